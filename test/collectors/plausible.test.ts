/** The last check of every collector's figures (issue 24, item 18). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResourceUsage } from '../../src/collectors/types.ts';
import { assertPlausible } from '../../src/collectors/plausible.ts';
import { RunError } from '../../src/errors.ts';

const usage = (o: Partial<ResourceUsage> = {}): ResourceUsage => ({ pod: 'loadgen', container: 'loadgen', role: 'loadgen', cpuCores: 0.2, cpuCoresMax: 0.3, memoryBytesAvg: 1 << 20, memoryBytesMax: 2 << 20, samples: 5, windowMs: 10_000, ...o });

const failure = (u: ResourceUsage, cores: number | null, toleranceCores?: number): string => {
  try {
    assertPlausible(u, { cores, where: 'test collector', ...(toleranceCores === undefined ? {} : { toleranceCores }) });
  } catch (e) {
    assert.instance(e, RunError);
    return (e as Error).message;
  }
  return '';
};

test('negative CPU or memory, or a figure that is not a number, is impossible', () => {
  assert.match(failure(usage({ cpuCores: -0.132 }), 2), /^test collector: loadgen\/loadgen \(loadgen\): cpuCores is negative \(-0\.132\); such a figure is impossible/);
  assert.match(failure(usage({ memoryBytesAvg: -1 }), 2), /memoryBytesAvg is negative/);
  assert.match(failure(usage({ cpuCoresMax: Number.NaN }), null), /cpuCoresMax is NaN/);
});

test('CPU above the machine\'s cores is impossible, beyond the collector\'s own resolution', () => {
  assert.match(failure(usage({ cpuCores: 2.5, cpuCoresMax: 2.5 }), 2), /cpuCores is 2\.500 cores, above the machine's 2/);
  assert.match(failure(usage({ cpuCoresMax: 2.2 }), 2, 0.1), /cpuCoresMax is 2\.200 cores, above the machine's 2/);
  assert.is(failure(usage({ cpuCoresMax: 2.05 }), 2, 0.1), '');
  // Cores unknown (a node that cannot be read): only the signs are checked.
  assert.is(failure(usage({ cpuCores: 64 }), null), '');
  assert.is(failure(usage(), 2), '');
});

test.run();

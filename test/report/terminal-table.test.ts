/** The terminal's resource table: node-proxy (ztunnel) columns, total and per 1000 rps, only when a node proxy ran. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResourceUsage } from '../../src/collectors/types.ts';
import { renderTerminalTable } from '../../src/report/terminal-table.ts';
import { constant, fakeRun } from '../fakes/results.ts';

const MIB = 1024 * 1024;
const usage = (pod: string, role: ResourceUsage['role'], cpuCores: number, memoryMiB: number): ResourceUsage => ({
  pod,
  container: role,
  role,
  cpuCores,
  cpuCoresMax: cpuCores,
  memoryBytesAvg: memoryMiB * MIB,
  memoryBytesMax: memoryMiB * MIB,
  samples: 10,
  windowMs: 10_000,
});

/** The resource table: the lines after the latency table's footnote. */
const resourceLines = (text: string) => text.split('\n').filter((l) => /^(mesh|none|istio|appmesh)\s/.test(l)).slice(4);

test('two ztunnels at 0.06 and 0.04 cores for 500 rps: the node proxy column shows 0.10 cores, 0.20 per 1k rps and their memory together', () => {
  const run = fakeRun((mesh) => ({
    latenciesUs: constant(300),
    achievedRps: 500,
    resources: [usage('workload', 'app', 0.05, 90), ...(mesh === 'istio' ? [usage('ztunnel-node-a', 'node-proxy', 0.06, 13), usage('ztunnel-node-b', 'node-proxy', 0.04, 14)] : [])],
  }));
  const [head, none, istio] = resourceLines(renderTerminalTable(run));
  assert.match(head!, /node proxy CPU\s+per 1k rps\s+node proxy mem\s+loader CPU$/);
  assert.match(istio!, /0\.10\s+0\.20\s+27\.0 MiB\s+–$/);
  assert.match(none!, /–\s+–\s+–\s+–$/);
  assert.match(renderTerminalTable(run), /"node proxy" is every ztunnel together, charged per node/);
});

test('with no node proxy in any trial, the table has no node-proxy columns', () => {
  const run = fakeRun(() => ({ latenciesUs: constant(300), achievedRps: 500, resources: [usage('workload', 'app', 0.05, 90)] }));
  const text = renderTerminalTable(run);
  assert.not.match(text, /node proxy/);
  assert.match(resourceLines(text)[0]!, /loadgen pod \+\s+loader CPU$/);
});

test.run();

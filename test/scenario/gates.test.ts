import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseGate } from '../../src/scenario/gates.ts';

const gate = (text: string) => parseGate(text, '--gate #1');

test('relative, change and absolute thresholds', () => {
  assert.equal(gate('p99 < +10%'), { text: 'p99 < +10%', mesh: null, level: null, metric: 'p99', op: '<', kind: 'relative', threshold: 0.1 });
  assert.equal(gate('p50 < +0.2ms').threshold, 200);
  assert.is(gate('p50 < +0.2ms').kind, 'change');
  assert.is(gate('p50<+250us').threshold, 250);
  assert.equal([gate('rps > -5%').op, gate('rps > -5%').threshold], ['>', -0.05]);
  assert.equal([gate('errors < 0.1%').kind, gate('errors < 0.1%').threshold], ['absolute', 0.001]);
  assert.equal([gate('p99 < 5ms').kind, gate('p99 < 5ms').threshold], ['absolute', 5_000]);
  assert.equal([gate('sidecar_cpu < +15%').metric, gate('sidecar_cpu < +0.05').kind, gate('sidecar_cpu < +0.05').threshold], ['sidecar_cpu', 'change', 0.05]);
  assert.is(gate('sidecar_mem < +8MiB').threshold, 8 * 1024 * 1024);
});

test('scopes: a mesh, or a mesh and a level', () => {
  assert.equal([gate('istio:p99 < +10%').mesh, gate('istio:p99 < +10%').level], ['istio', null]);
  assert.equal([gate('appmesh/c4-r1000:p50 < +0.1ms').mesh, gate('appmesh/c4-r1000:p50 < +0.1ms').level], ['appmesh', 'c4-r1000']);
});

const errors: [string, RegExp][] = [
  ['p99 is fine', /not a gate expression/],
  ['latency < +10%', /unknown metric "latency".*\n?.*|unknown metric/],
  ['p99 < +10', /a latency threshold needs a unit/],
  ['rps < +2ms', /rps is not a latency/],
  ['p99 < 10%', /an unsigned percentage bounds a fraction, and p99 is not one/],
  ['p99 < +1MiB', /p99 is not a memory figure/],
];
for (const [text, message] of errors) {
  test(`"${text}" is refused with a hint`, () => {
    try {
      gate(text);
      assert.unreachable('accepted');
    } catch (e) {
      const error = e as { what: string; where: string; fix: string; exitCode: number };
      assert.match(error.what, message);
      assert.is(error.where, '--gate #1');
      assert.ok(error.fix.length > 10);
      assert.is(error.exitCode, 2);
    }
  });
}

test.run();

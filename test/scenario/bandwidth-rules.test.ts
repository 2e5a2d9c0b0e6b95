/** load.mode: bandwidth: tcp on the local platform only, and no gate on what it does not measure. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { checkRules } from '../../src/scenario/rules.ts';
import { resolveScenario } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import { repoRoot } from '../helpers.ts';

const input = (o: { workload?: object; load?: object; [k: string]: unknown }) =>
  ScenarioSchema.parse({ name: 't', meshes: ['none', 'istio'], ...o, workload: { protocol: 'tcp', ...o.workload }, load: { mode: 'bandwidth', ...o.load } });
const issues = (o: Parameters<typeof input>[0]) => checkRules(input(o));

test('a tcp bandwidth scenario on the local platform passes, and resolves to mode bandwidth', () => {
  assert.equal(issues({ gates: ['istio:throughput_bps > none:throughput_bps * 0.5', 'sidecar_cpu < +10%'] }), []);
  assert.is(resolveScenario(input({})).load.mode, 'bandwidth');
});

test('another protocol: what, where (workload.protocol, then load.mode) and how to fix', () => {
  const [issue, ...rest] = issues({ workload: { protocol: 'h2c' } });
  assert.equal(rest, []);
  assert.match(issue!.what, /`load.mode: bandwidth` streams raw TCP .* `workload.protocol` is `h2c`/);
  assert.equal(issue!.paths, [['workload', 'protocol'], ['load', 'mode']]);
  assert.match(issue!.fix, /set `workload.protocol: tcp`/);
});

test('kubernetes and external are refused: the sink is meshbench\'s own workload on platform local', () => {
  assert.match(issues({ platform: 'kubernetes' }).map((i) => i.what).join(), /only platform `local` runs \(this scenario: `kubernetes`\)/);
});

test('a rate or workers with bandwidth is said to be unused', () => {
  const whats = issues({ load: { rate: 100, workers: 2, connections: 4 } }).map((i) => i.what).join('\n');
  assert.match(whats, /`rate` is not used with `mode: bandwidth`/);
  assert.match(whats, /`workers` splits an open-loop rate; mode `bandwidth` does not use it/);
});

test('gates on latency, request rate or errors are validation errors in bandwidth mode', () => {
  const found = issues({ gates: ['p99 < +10%', 'istio:rps > none:rps', 'errors < 1%', 'throughput_bps > -5%'] });
  assert.equal(found.map((i) => i.paths[0]), [['gates', 0], ['gates', 1], ['gates', 2]]);
  assert.match(found[0]!.what, /gate "p99 < \+10%" judges p99, which `load.mode: bandwidth` does not measure/);
  assert.match(found[0]!.fix, /throughput_bps/);
});

test('scenarios/tcp-bandwidth.yaml is valid as shipped', () => {
  const doc = parseYaml(readFileSync(`${repoRoot}/scenarios/tcp-bandwidth.yaml`, 'utf8')) as unknown;
  assert.equal(checkRules(ScenarioSchema.parse(doc)), []);
});

test.run();

/**
 * The netns layout for real (as root, as CI runs): traffic crosses the node-to-node link, and
 * nothing of a topology remains after teardown, a failed build, a process exit or a sweep.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetnsTopology } from '../../../../src/platforms/local/netns/topology.ts';
import { interfaceTag } from '../../../../src/platforms/local/netns/plan.ts';
import { dialFrom, isAlive, leftovers, startReplyServer } from './netns-helpers.ts';

const runId = `netns-test-${process.pid}`;
const topologyModule = fileURLToPath(new URL('../../../../src/platforms/local/netns/topology.ts', import.meta.url));

test('the loader pod reaches the workload pod across the two nodes; teardown ends its processes and removes everything', async () => {
  const t = await NetnsTopology.create({ runId, scope: 'a' });
  const server = await startReplyServer(t.plan.pods.workload.netns, '0.0.0.0', 8080, 'workload');
  try {
    assert.is(dialFrom(t.plan.pods.loadgen.netns, t.plan.pods.workload.ip, 8080), 'workload 8080');
    assert.ok(leftovers(runId).length === 4, leftovers(runId).join('\n'));
  } finally {
    await t.teardown();
  }
  assert.equal(leftovers(runId), []);
  assert.equal(leftovers(interfaceTag(runId, 'a')), []);
  assert.not.ok(isAlive(server.pid!), 'the server inside the pod namespace was ended by teardown');
  await t.teardown(); // idempotent
});

test('a build that fails half-way removes what it had built', async () => {
  // The last namespace to be added already exists, so the fourth `ip netns add` fails.
  execFileSync('ip', ['netns', 'add', `meshbench-${runId}-b-node-b`]);
  try {
    await NetnsTopology.create({ runId, scope: 'b' });
    assert.unreachable('create should fail');
  } catch (error) {
    assert.match(String(error), /ip netns add meshbench-.*-b-node-b/);
  }
  assert.equal(leftovers(`${runId}-b`), []);
});

test('an aborted build creates nothing', async () => {
  const ac = new AbortController();
  ac.abort(new Error('interrupted'));
  await NetnsTopology.create({ runId, scope: 'c', signal: ac.signal }).then(
    () => assert.unreachable('create should fail'),
    (e: unknown) => assert.match(String(e), /interrupted/),
  );
  assert.equal(leftovers(`${runId}-c`), []);
});

/** Builds a topology in a child Node process that then ends as `how` says; returns what is left. */
async function childBuildsThen(how: 'exit' | 'sigkill', scope: string): Promise<string[]> {
  const script = `
    const { NetnsTopology } = await import(process.argv[1]);
    await NetnsTopology.create({ runId: process.argv[2], scope: process.argv[3] });
    console.log('UP');
    if (process.argv[4] === 'exit') process.exit(0);
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, topologyModule, runId, scope, how], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('UP') && resolve()));
  if (how === 'sigkill') child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return leftovers(`${runId}-${scope}`);
}

test('a process that exits with its topology up removes it on the way out', async () => {
  assert.equal(await childBuildsThen('exit', 'd'), []);
});

test('after a SIGKILL (no exit hook can run) sweep(runId) removes the leftovers', async () => {
  assert.is((await childBuildsThen('sigkill', 'e')).length, 4);
  const swept = await NetnsTopology.sweep(runId);
  assert.is(swept.length, 4);
  assert.equal(leftovers(runId), []);
  assert.equal(await NetnsTopology.sweep(runId), []);
});

test.after(async () => {
  await NetnsTopology.sweep(runId);
});

test.run();

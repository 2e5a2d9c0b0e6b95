/** The netns layout's plan: names that carry the run, addresses that exist only inside it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { interfaceTag, netnsNames, planTopology, runNetnsIn, setupCommands } from '../../../../src/platforms/local/netns/plan.ts';

const plan = planTopology('20261201T121500-a1b2c3', 't3');

test('every namespace name carries the run id and scope; pods are on different nodes', () => {
  assert.equal(netnsNames(plan), ['meshbench-20261201T121500-a1b2c3-t3-loadgen', 'meshbench-20261201T121500-a1b2c3-t3-workload', 'meshbench-20261201T121500-a1b2c3-t3-node-a', 'meshbench-20261201T121500-a1b2c3-t3-node-b']);
  assert.is(plan.pods.loadgen.node, 'node-a');
  assert.is(plan.pods.workload.node, 'node-b');
});

test('interface names fit the kernel limit of 15 characters and carry the run tag', () => {
  const tag = interfaceTag('20261201T121500-a1b2c3', 't3');
  const names = [...plan.nodeLinkIfs, plan.pods.loadgen.nodeSideIf, plan.pods.loadgen.podSideIf, plan.pods.workload.nodeSideIf, plan.pods.workload.podSideIf];
  assert.is(new Set(names).size, names.length);
  for (const n of names) {
    assert.ok(n.length <= 15, n);
    assert.ok(n.startsWith(tag), n);
  }
  assert.is.not(tag, interfaceTag('20261201T121500-a1b2c3', 't4'));
});

test('addresses are in the benchmarking range 198.18.0.0/15 only', () => {
  const ips = [plan.nodes['node-a'].linkIp, plan.nodes['node-b'].linkIp, plan.pods.loadgen.ip, plan.pods.workload.ip, plan.serviceIp];
  for (const ip of ips) assert.match(ip, /^198\.(18|19)\./);
});

test('no link is ever created in the root namespace', () => {
  for (const args of setupCommands(plan)) {
    const isLinkAdd = args.includes('link') && args.includes('add');
    if (isLinkAdd) {
      assert.is(args[0], '-n', args.join(' '));
      assert.ok(args.includes('netns'), `peer moved into a namespace: ${args.join(' ')}`);
    }
  }
});

test('each node routes the other node\'s pod subnet over the link', () => {
  const routes = setupCommands(plan).filter((a) => a.includes('via') && !a.includes('default'));
  assert.equal(routes.map((a) => `${a[1]} ${a[4]} ${a[6]}`), [
    `${plan.nodes['node-a'].netns} 198.18.2.0/24 198.18.0.2`,
    `${plan.nodes['node-b'].netns} 198.18.1.0/24 198.18.0.1`,
  ]);
});

test('sweep matches only namespaces of the given run', () => {
  const list = 'meshbench-r1-t0-node-a (id: 3)\nmeshbench-r2-t0-node-a\nother-r1\nmeshbench-r1-loadgen\n';
  assert.equal(runNetnsIn(list, 'r1'), ['meshbench-r1-t0-node-a', 'meshbench-r1-loadgen']);
});

test('a run id that would break a name is refused', () => {
  assert.throws(() => planTopology('bad id/../x'), /run id/);
});

test.run();

/**
 * istio-init style capture, for real inside pod namespaces: the app's connection to the peer pod
 * lands on its own sidecar's :15001; the sidecar's (uid 1337) goes out and lands on the peer's
 * :15006; Istio's own ports are left alone.
 */
import type { ChildProcess } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applySidecarCapture, sidecarCaptureRules } from '../../../../src/platforms/local/netns/capture.ts';
import { NetnsTopology } from '../../../../src/platforms/local/netns/topology.ts';
import { dialFrom, leftovers, startReplyServer } from './netns-helpers.ts';

const runId = `capture-test-${process.pid}`;

test('the rules exempt the proxy user and Istio ports, and redirect the rest', () => {
  const rules = sidecarCaptureRules();
  assert.match(rules, /-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN/);
  assert.match(rules, /-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN/);
  assert.match(rules, /-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001/);
  assert.match(rules, /-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006/);
});

test('in pod namespaces, connections are captured by the sidecar ports as in Istio', async () => {
  const t = await NetnsTopology.create({ runId });
  const { loadgen, workload } = t.plan.pods;
  const servers: ChildProcess[] = [];
  try {
    servers.push(
      await startReplyServer(workload.netns, '0.0.0.0', 8080, 'app'),
      await startReplyServer(workload.netns, '0.0.0.0', 15006, 'inbound-sidecar'),
      await startReplyServer(workload.netns, '0.0.0.0', 15021, 'health'),
      await startReplyServer(loadgen.netns, '127.0.0.1', 15001, 'outbound-sidecar'),
    );
    // Before capture: straight to the app.
    assert.is(dialFrom(loadgen.netns, workload.ip, 8080), 'app 8080');
    await applySidecarCapture(loadgen.netns);
    await applySidecarCapture(workload.netns);
    // The app's connection goes to its own sidecar...
    assert.is(dialFrom(loadgen.netns, workload.ip, 8080), 'outbound-sidecar 15001');
    // ...the sidecar's own (uid 1337) leaves the pod and is captured by the peer's inbound sidecar...
    assert.is(dialFrom(loadgen.netns, workload.ip, 8080, { uid: 1337 }), 'inbound-sidecar 15006');
    // ...and Istio's health port is not captured.
    assert.is(dialFrom(loadgen.netns, workload.ip, 15021, { uid: 1337 }), 'health 15021');
    // Inside the workload pod, the inbound sidecar (uid 1337) reaches the app on loopback.
    assert.is(dialFrom(workload.netns, '127.0.0.1', 8080, { uid: 1337 }), 'app 8080');
  } finally {
    for (const s of servers) s.stdin?.end();
    await t.teardown();
  }
  assert.equal(leftovers(runId), []);
});

test.after(async () => {
  await NetnsTopology.sweep(runId);
});

test.run();

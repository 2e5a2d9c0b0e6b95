/** ztunnel where preflight found it, and on every node the trial uses, or the trial fails. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunError } from '../../../src/errors.ts';
import type { DataPlanePods } from '../../../src/meshes/kubernetes.ts';
import { nodeProxyContainers, withFoundNamespaces } from '../../../src/platforms/kubernetes/node-proxies.ts';

const ztunnel: DataPlanePods = { role: 'node-proxy', namespace: 'istio-system', selector: { app: 'ztunnel' }, container: 'istio-proxy', nodesInvolvedOnly: true };
const pod = (name: string, node: string) => ({ metadata: { name, namespace: 'kube-system' }, spec: { nodeName: node } });

test('the namespace preflight found replaces the usual one, matched by the label selector', () => {
  const overlay = { dataPlanePods: [ztunnel, { ...ztunnel, role: 'waypoint' as const, selector: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' }, namespace: 'trial-ns', nodesInvolvedOnly: false }] };
  const patched = withFoundNamespaces(overlay, { 'app=ztunnel': 'kube-system' });
  assert.equal(patched.dataPlanePods.map((d) => d.namespace), ['kube-system', 'trial-ns']);
  assert.equal(overlay.dataPlanePods[0]!.namespace, 'istio-system', 'the overlay given is not changed');
});

test('one ztunnel per node involved is charged as node-proxy; one on an uninvolved node is not', () => {
  const d = { ...ztunnel, namespace: 'kube-system' };
  const out = nodeProxyContainers(d, [pod('zt-a', 'node-a'), pod('zt-b', 'node-b'), pod('zt-c', 'node-c')], new Set(['node-a', 'node-b']));
  assert.equal(out.map((c) => `${c.namespace}/${c.pod}/${c.container}@${c.node}:${c.role}`), ['kube-system/zt-a/istio-proxy@node-a:node-proxy', 'kube-system/zt-b/istio-proxy@node-b:node-proxy']);
});

test('a node the trial uses without a ztunnel fails the trial (zero ztunnel pods would make ambient look free)', () => {
  for (const found of [[], [pod('zt-a', 'node-a')]]) {
    try {
      nodeProxyContainers(ztunnel, found, new Set(['node-a', 'node-b']));
      assert.unreachable('no error');
    } catch (e) {
      assert.instance(e, RunError);
      assert.match((e as RunError).message, found.length ? /no istio-proxy pod \(labelled app=ztunnel in namespace istio-system\) runs on node node-b, which the trial uses/ : /runs on nodes node-a, node-b,/);
      assert.match((e as RunError).fix ?? '', /kubectl -n istio-system get pods -l app=ztunnel -o wide/);
    }
  }
});

test.run();

/**
 * Who may do what: an unreachable API server, rejected credentials and a restricted identity each
 * give their preflight problem, and no credential ever appears in a message. The restricted
 * identity is a real ServiceAccount token bound to a narrow ClusterRole on the tier.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KubeClient } from '../../../src/platforms/kubernetes/client.ts';
import { preflight } from '../../../src/platforms/kubernetes/preflight.ts';
import { install, ownedNamespaces } from './cluster-fixtures.ts';
import { k8sScenario } from './scenarios.ts';
import { rejection, tier, uniqueRunId } from './tier.ts';

const NS = 'meshbench-test-access';
const runId = uniqueRunId('rbac');

/** A client for the tier's API server as the holder of `token` (trusting the tier's CA unless told not to). */
function clientWithToken(token: string, server?: string, trustCa = true): KubeClient {
  const cluster = tier().client.kc.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'tier', server: server ?? cluster.server, ...(trustCa ? { caData: cluster.caData } : {}), skipTLSVerify: false }],
    users: [{ name: 'narrow', token }],
    contexts: [{ name: 'narrow@tier', cluster: 'tier', user: 'narrow' }],
    currentContext: 'narrow@tier',
  });
  return new KubeClient(kc);
}

async function narrowToken(): Promise<string> {
  const { client } = tier();
  await install(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await install(client, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'narrow', namespace: NS } });
  // May create and list namespaces and list nodes: not enough to run a trial.
  await install(client, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'meshbench-test-narrow' },
    rules: [
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
    ],
  });
  await install(client, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'meshbench-test-narrow' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'meshbench-test-narrow' },
    subjects: [{ kind: 'ServiceAccount', name: 'narrow', namespace: NS }],
  });
  const review = await client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${NS}/serviceaccounts/narrow/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
  });
  return review.status.token;
}

test('a restricted identity: every permission it lacks is listed, the ones it has are not, and its token appears nowhere', async () => {
  const token = await narrowToken();
  const scenario = await k8sScenario(['none']);
  const r = await preflight({ client: clientWithToken(token), scenario, runId });
  assert.is(r.problems.length, 2, JSON.stringify(r.problems));
  const [p, resources] = r.problems as [(typeof r.problems)[0], (typeof r.problems)[0]];
  assert.match(p.where, /identity of context narrow@tier/);
  const ns = `meshbench-none-${runId}`;
  // Neither way of reading CPU and memory is allowed: said apart, with both grants that would do.
  assert.is(resources.what, `CPU and memory cannot be read: it may neither get nodes/proxy (cluster-wide) nor get pods.metrics.k8s.io in namespace ${ns}`);
  for (const missing of [`create configmaps in namespace ${ns}`, `create deployments.apps in namespace ${ns}`, `patch serviceaccounts in namespace ${ns}`, `create services in namespace ${ns}`, `create jobs.batch in namespace ${ns}`, `list pods in namespace ${ns}`, `get pods/log in namespace ${ns}`, `list events in namespace ${ns}`]) {
    assert.ok(p.what.includes(missing), `"${missing}" not listed in:\n${p.what}`);
  }
  // The trial's pods call no API: no Role is created, so none of what one would grant is asked for.
  for (const notNeeded of ['roles.rbac.authorization.k8s.io', 'rolebindings', 'endpointslices', 'watch pods']) assert.not.ok(p.what.includes(notNeeded), `"${notNeeded}" is listed:\n${p.what}`);
  for (const granted of ['create namespaces', 'list namespaces', 'list nodes']) assert.not.ok(p.what.includes(granted), `"${granted}" is granted but listed`);
  assert.match(p.fix, /docs\/kubernetes\.md/);
  assert.not.ok(JSON.stringify(r).includes(token));
  assert.equal(await ownedNamespaces(tier().client, runId), []);
});

test('rejected credentials: 401, with what to renew, and the bad token is not repeated', async () => {
  const bad = 'meshbench-not-a-valid-token-0123456789';
  const r = await preflight({ client: clientWithToken(bad), scenario: await k8sScenario(['none']), runId });
  assert.is(r.problems.length, 1);
  assert.match(r.problems[0]!.what, /rejected the credentials \(401 Unauthorized\): they are invalid or expired/);
  assert.match(r.problems[0]!.fix, /aws eks update-kubeconfig/);
  assert.not.ok(JSON.stringify(r).includes(bad));
});

/** A loopback port nothing listens on (fetch refuses the well-known "bad ports" such as 1 outright). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('an unreachable API server: says which server and context, and stops there', async () => {
  const url = `https://127.0.0.1:${await closedPort()}`;
  const r = await preflight({ client: clientWithToken('x', url), scenario: await k8sScenario(['istio']), runId });
  assert.equal(r.problems.map((p) => p.where), [`context narrow@tier (${url})`]);
  assert.match(r.problems[0]!.what, /does not answer \(ECONNREFUSED\)/);
});

/** A kubeconfig whose user runs `command` as its exec credential plugin. */
function clientWithExec(command: string, args: string[]): KubeClient {
  const cluster = tier().client.kc.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'tier', server: cluster.server, caData: cluster.caData, skipTLSVerify: false }],
    users: [{ name: 'sso', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command, args, interactiveMode: 'Never' } }],
    contexts: [{ name: 'sso@tier', cluster: 'tier', user: 'sso' }],
    currentContext: 'sso@tier',
  });
  return new KubeClient(kc);
}

test('a credential plugin that fails: its own stderr, as a credentials problem (not as an unreachable server)', async () => {
  const r = await preflight({ client: clientWithExec('sh', ['-c', 'echo "Error when retrieving token from sso: Token has expired and refresh failed" >&2; exit 255']), scenario: await k8sScenario(['none']), runId });
  assert.is(r.problems.length, 1, JSON.stringify(r.problems));
  assert.match(r.problems[0]!.what, /the credentials of context "sso@tier" could not be obtained \(.*Token has expired and refresh failed/);
  assert.not.match(r.problems[0]!.what, /does not answer/);
  assert.match(r.problems[0]!.fix, /aws sso login/);
  const missing = await preflight({ client: clientWithExec('meshbench-no-such-plugin', ['eks', 'get-token']), scenario: await k8sScenario(['none']), runId });
  assert.match(missing.problems[0]!.what, /could not be obtained \(.*(ENOENT|not found)/);
  assert.match(missing.problems[0]!.fix, /on PATH/);
});

/** A self-signed certificate for the stand-in servers below. */
function selfSigned(): { tlsKey: Buffer; tlsCert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { tlsKey: readFileSync(join(dir, 'key.pem')), tlsCert: readFileSync(join(dir, 'cert.pem')) };
}

test('a server that answers 404 or 503 instead of the API: a preflight problem with its status (exit 2), not an internal error', async () => {
  const { tlsKey, tlsCert } = selfSigned();
  for (const [status, expected] of [[404, /answered GET \/version with 404 Not Found: it is not a Kubernetes API server/], [503, /the API server failed \(HTTP 503 Service Unavailable: /]] as const) {
    const server = createHttpsServer({ key: tlsKey, cert: tlsCert }, (_req, res) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status === 404 ? '404 page not found' : 'upstream connect error');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const kc = new KubeConfig();
      kc.loadFromOptions({ clusters: [{ name: 'x', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'x', user: 'u' }], currentContext: 'x' });
      const r = await preflight({ client: new KubeClient(kc), scenario: await k8sScenario(['none']), runId });
      assert.is(r.problems.length, 1, JSON.stringify(r.problems));
      assert.match(r.problems[0]!.what, expected);
      assert.is(r.problems[0]!.where, `context x (${url})`);
    } finally {
      server.close();
    }
  }
});

test('a server certificate the kubeconfig does not trust: said as such, not as an unreachable server', async () => {
  const r = await preflight({ client: clientWithToken('x', undefined, false), scenario: await k8sScenario(['none']), runId });
  assert.is(r.problems.length, 1);
  assert.match(r.problems[0]!.what, /the API server's certificate is not trusted \([A-Z_]+\)/);
  assert.match(r.problems[0]!.fix, /certificate-authority/);
});

test('API errors carry the server status message, never request or response headers', async () => {
  const token = await narrowToken();
  const err = await rejection(clientWithToken(token).get('/api/v1/namespaces/kube-system/secrets'));
  assert.match(err.message, /GET \/api\/v1\/namespaces\/kube-system\/secrets: HTTP 403 Forbidden: secrets is forbidden: User "system:serviceaccount:meshbench-test-access:narrow" cannot list/);
  assert.not.ok(err.message.includes(token));
  assert.not.match(err.message, /authorization|bearer|audit-id|x-kubernetes-pf/i);
});

test('in-cluster configuration: a pod\'s service-account token and CA, as mounted, reach the API server as that account', async () => {
  const token = await narrowToken();
  const root = mkdtempSync(join(tmpdir(), 'meshbench-pod-'));
  const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(sa, { recursive: true });
  writeFileSync(join(sa, 'token'), token);
  writeFileSync(join(sa, 'ca.crt'), Buffer.from(tier().client.kc.getCurrentCluster()!.caData!, 'base64'));
  writeFileSync(join(sa, 'namespace'), NS);
  const server = new URL(tier().client.server);
  // No KUBECONFIG and no ~/.kube/config: kubectl's order falls through to the pod's account.
  const client = KubeClient.fromAccess({}, { HOME: root, KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port }, root);
  assert.is(client.source, 'in-cluster service account');
  const review = await client.request<{ status: { userInfo: { username: string } } }>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
  assert.is(review.status.userInfo.username, `system:serviceaccount:${NS}:narrow`);
});

test.run();

/** Cluster access as kubectl picks it: KUBECONFIG merged (first wins), --kubeconfig alone, --context; no secret in any error. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../src/errors.ts';
import { KubeClient } from '../../../src/platforms/kubernetes/client.ts';
import { loadKubeConfig } from '../../../src/platforms/kubernetes/kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-kubeconfig-'));
const SECRET = 'tok-4f9a0c2b-very-secret';
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const config = (current: string, entries: { ctx: string; cluster: string; server: string }[]) =>
  [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${current}`,
    'clusters:',
    ...entries.map((e) => `- name: ${e.cluster}\n  cluster: {server: "${e.server}"}`),
    'users:',
    ...entries.map((e) => `- name: user-${e.ctx}\n  user: {token: ${SECRET}}`),
    'contexts:',
    ...entries.map((e) => `- name: ${e.ctx}\n  context: {cluster: ${e.cluster}, user: user-${e.ctx}}`),
  ].join('\n');

const a = file('a.yaml', config('prod', [{ ctx: 'prod', cluster: 'eks', server: 'https://a.example:443' }]));
const b = file('b.yaml', config('kind-dev', [{ ctx: 'prod', cluster: 'other', server: 'https://b.example:443' }, { ctx: 'kind-dev', cluster: 'kind', server: 'https://127.0.0.1:6443' }]));
const home = mkdtempSync(join(tmpdir(), 'meshbench-home-'));
const env = (kubeconfig?: string): NodeJS.ProcessEnv => ({ HOME: home, ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}) });
const server = (l: ReturnType<typeof loadKubeConfig>) => l.kc.getCurrentCluster()?.server;

test('KUBECONFIG with several files: the first file that sets the current context wins, and so does the first definition of a name', () => {
  const l = loadKubeConfig({}, env(`${a}:${b}`));
  assert.is(l.context, 'prod');
  assert.is(server(l), 'https://a.example:443');
  assert.is(l.source, `${a}:${b}`);
  // Contexts of later files are there too.
  assert.is(server(loadKubeConfig({ context: 'kind-dev' }, env(`${a}:${b}`))), 'https://127.0.0.1:6443');
  // Reversed order: b's definitions win.
  const r = loadKubeConfig({}, env(`${b}:${a}`));
  assert.equal([r.context, server(loadKubeConfig({ context: 'prod' }, env(`${b}:${a}`)))], ['kind-dev', 'https://b.example:443']);
});

test('missing files of KUBECONFIG are skipped as kubectl does; --kubeconfig is used alone', () => {
  assert.is(loadKubeConfig({}, env(`${join(dir, 'nope.yaml')}:${b}`)).context, 'kind-dev');
  assert.is(loadKubeConfig({ kubeconfig: a }, env(b)).context, 'prod');
});

test('an unknown context is a usage error listing the known ones, and no error shows a secret', () => {
  const err = (() => {
    try {
      loadKubeConfig({ context: 'staging' }, env(`${a}:${b}`));
    } catch (e) {
      return e as UsageError;
    }
    throw new Error('no error');
  })();
  assert.instance(err, UsageError);
  assert.is(err.exitCode, 2);
  assert.match(err.message, /context "staging" is not in/);
  assert.match(err.fix ?? '', /use one of: prod, kind-dev/);
  const broken = file('broken.yaml', `apiVersion: v1\nusers:\n- name: x\n  user: {token: ${SECRET}\n  oops: [`);
  for (const load of [() => loadKubeConfig({ kubeconfig: broken }, env()), () => loadKubeConfig({}, env(join(dir, 'none.yaml'))), () => loadKubeConfig({}, env())]) {
    try {
      load();
      assert.unreachable();
    } catch (e) {
      assert.instance(e, UsageError);
      const u = e as UsageError;
      assert.not.ok(`${u.message} ${u.fix} ${String(u.cause)}`.includes(SECRET));
    }
  }
});

test('a server address with user:password in it is shown without them', () => {
  const f = file('userinfo.yaml', config('c', [{ ctx: 'c', cluster: 'k', server: `https://admin:${SECRET}@k8s.example:6443/` }]));
  const client = KubeClient.fromAccess({ kubeconfig: f }, env());
  assert.is(client.server, 'https://k8s.example:6443');
});

test('without any configuration: the error says how to get one', () => {
  try {
    loadKubeConfig({}, { HOME: home, KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    assert.unreachable();
  } catch (e) {
    assert.match((e as UsageError).message, /no Kubernetes configuration found/);
    assert.match((e as UsageError).fix ?? '', /KUBECONFIG.*--kubeconfig/);
  }
});

test.run();

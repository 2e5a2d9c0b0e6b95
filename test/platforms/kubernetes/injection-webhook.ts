/**
 * A real mutating admission webhook on loopback, registered with the tier's API server: it adds a
 * proxy container (`istio-proxy` unless told another) to the pods it is asked about (as a native sidecar if told to), or
 * admits them untouched, as an injector that declines would.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type InjectMode = 'container' | 'native-sidecar' | 'nothing';

export interface InjectionWebhook {
  url: string;
  /** Base64 of the server's certificate, for the webhook configuration's caBundle. */
  caBundle: string;
  mode: InjectMode;
  /** The container it adds: istio-proxy by default, envoy to play App Mesh's injector. */
  proxy: { name: string; image: string };
  /** Pods the API server asked about. */
  calls: number;
  close(): Promise<void>;
}

export const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.30.3';

interface AdmissionReview {
  request: { uid: string; object: { spec: { initContainers?: unknown[] } } };
}

export async function startInjectionWebhook(): Promise<InjectionWebhook> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-webhook-'));
  // A self-signed certificate for 127.0.0.1: the API server checks it against caBundle.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=meshbench-test-injector', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'));
  const state = { mode: 'container' as InjectMode, calls: 0, proxy: { name: 'istio-proxy', image: PROXY_IMAGE } };
  const server: Server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const review = JSON.parse(body) as AdmissionReview;
      state.calls++;
      const proxy = { ...state.proxy, args: ['proxy'] };
      const init = review.request.object.spec.initContainers;
      const patch =
        state.mode === 'container' ? [{ op: 'add', path: '/spec/containers/-', value: proxy }]
        : state.mode === 'native-sidecar' ? [init ? { op: 'add', path: '/spec/initContainers/-', value: { ...proxy, restartPolicy: 'Always' } } : { op: 'add', path: '/spec/initContainers', value: [{ ...proxy, restartPolicy: 'Always' }] }]
        : null;
      const response = { uid: review.request.uid, allowed: true, ...(patch ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') } : {}) };
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/inject`,
    caBundle: cert.toString('base64'),
    get mode() {
      return state.mode;
    },
    set mode(m: InjectMode) {
      state.mode = m;
    },
    get proxy() {
      return state.proxy;
    },
    set proxy(p: { name: string; image: string }) {
      state.proxy = p;
    },
    get calls() {
      return state.calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

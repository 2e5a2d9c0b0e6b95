/** Pure constructors of the trial's own objects (k6-operator style): compared in tests, validated against upstream schemas. */
import type { KubernetesObject, PodOverlay } from '../../meshes/kubernetes.ts';
import { protocolOf, type ResolvedScenario } from '../../scenario/resolve.ts';
import { MESH_PORT_NAME, speaksTls, type Protocol } from '../../workload/protocol.ts';

export const WORKLOAD = { name: 'workload', port: 8080 } as const;
export const LOADGEN = { name: 'loadgen' } as const;

/** On everything a run creates: teardown and `bench cleanup` find objects by these, and by nothing else. */
export const OWNER_LABELS = (runId: string) => ({ 'app.kubernetes.io/managed-by': 'meshbench', 'meshbench.io/run-id': runId.toLowerCase() });

export interface TrialNames {
  namespace: string;
  /** On every object: the run's ownership label, so teardown deletes exactly what it made. */
  ownerLabels: Record<string, string>;
}

const meta = (name: string, names: TrialNames, extra: Record<string, string> = {}) => ({ name, namespace: names.namespace, labels: { ...names.ownerLabels, ...extra } });

export function namespace(names: TrialNames, meshLabels: Record<string, string>, meshAnnotations: Record<string, string> = {}): KubernetesObject {
  const annotations = Object.keys(meshAnnotations).length ? { annotations: meshAnnotations } : {};
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: names.namespace, labels: { ...names.ownerLabels, ...meshLabels }, ...annotations } };
}

/**
 * One identity per pod, so a mesh's policies can tell them apart. Neither calls the API (the
 * loader reads its settings from a mounted file and waits for nothing: the harness starts it when
 * the workload is ready), so neither gets a token nor a Role: least privilege.
 */
export function serviceAccounts(names: TrialNames): KubernetesObject[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(WORKLOAD.name, names), automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(LOADGEN.name, names), automountServiceAccountToken: false },
  ];
}

/**
 * The Service port per protocol: its name (Istio also reads the prefix), its `appProtocol` (what
 * meshes detect the protocol by), and the workload's port it targets. The workload is Fortio's
 * server, which serves HTTP/1.1 and h2c on one port, its gRPC ping and TCP echo on others; the
 * Service keeps port 8080 for all, so the loader's address does not change with the protocol.
 */
export const SERVICE_PORT: Record<Protocol, { name: string; appProtocol: string; targetPort: string }> = {
  http1: { name: MESH_PORT_NAME.http1, appProtocol: 'http', targetPort: 'http' },
  h2c: { name: MESH_PORT_NAME.h2c, appProtocol: 'kubernetes.io/h2c', targetPort: 'http' },
  grpc: { name: MESH_PORT_NAME.grpc, appProtocol: 'grpc', targetPort: 'grpc' },
  tcp: { name: MESH_PORT_NAME.tcp, appProtocol: 'tcp', targetPort: 'tcp-echo' },
  // The workload's own TLS, HTTP/1.1 or HTTP/2 inside (ALPN): both are HTTP over TLS, which is what
  // `https` names (IANA's service name; Istio reads it, as the `https` name prefix, as TLS it can
  // only pass through). Not `kubernetes.io/h2c`, which says HTTP/2 *without* TLS.
  https: { name: MESH_PORT_NAME.https, appProtocol: 'https', targetPort: 'http' },
  h2: { name: MESH_PORT_NAME.h2, appProtocol: 'https', targetPort: 'http' },
};
/** Fortio server's own ports besides HTTP (its defaults: -grpc-port 8079, -tcp-port 8078). */
const FORTIO_PORTS: Record<string, number> = { grpc: 8079, 'tcp-echo': 8078 };

export function workloadService(names: TrialNames, protocol: Protocol = 'http1'): KubernetesObject {
  const { name, appProtocol, targetPort } = SERVICE_PORT[protocol];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(WORKLOAD.name, names, { app: WORKLOAD.name }),
    spec: { selector: { app: WORKLOAD.name }, ports: [{ name, port: WORKLOAD.port, targetPort, protocol: 'TCP', appProtocol }] },
  };
}

/**
 * An `https` or `h2` workload's certificate and key (made for the run; the run's own CA signs it),
 * which Fortio serves on its HTTP port (`-cert`/`-key`; Go's TLS server offers h2 and http/1.1 by
 * ALPN). Without them (`bench render`) the Secret shows where they go.
 */
export const WORKLOAD_TLS = { secret: 'workload-tls', mountPath: '/etc/meshbench/workload-tls' } as const;
export const ELIDED_TLS = '(made when `bench run` starts: a certificate from a CA of the run\'s own)\n';

export function workloadTlsSecret(names: TrialNames, pem?: { certPem: string; keyPem: string }): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(WORKLOAD_TLS.secret, names, { app: WORKLOAD.name }),
    type: 'kubernetes.io/tls',
    stringData: { 'tls.crt': pem?.certPem ?? ELIDED_TLS, 'tls.key': pem?.keyPem ?? ELIDED_TLS },
  };
}

export function workloadDeployment(s: ResolvedScenario, names: TrialNames, pod: PodOverlay): KubernetesObject {
  const labels = { ...names.ownerLabels, app: WORKLOAD.name, ...pod.labels };
  const tls = speaksTls(protocolOf(s));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(WORKLOAD.name, names, { app: WORKLOAD.name }),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: WORKLOAD.name } },
      template: {
        metadata: { labels, annotations: pod.annotations },
        spec: {
          serviceAccountName: WORKLOAD.name,
          // The workload is only ever deleted with its trial: no need for the 30 s default, which
          // also sets how long the namespace controller waits before it finishes a deletion (about
          // half the teardown). 5 s still covers a sidecar's default drain (Istio: 5 s).
          terminationGracePeriodSeconds: 5,
          ...(s.kubernetes.nodeSelector ? { nodeSelector: s.kubernetes.nodeSelector } : {}),
          containers: [
            {
              name: 'app',
              image: s.kubernetes.images.workload,
              args: ['server', '-http-port', String(WORKLOAD.port), ...(tls ? ['-cert', `${WORKLOAD_TLS.mountPath}/tls.crt`, '-key', `${WORKLOAD_TLS.mountPath}/tls.key`] : [])],
              ports: [{ name: 'http', containerPort: WORKLOAD.port, protocol: 'TCP' }, ...protocolPort(protocolOf(s))],
              readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
              resources: { requests: { cpu: '1', memory: '256Mi' }, limits: { memory: '1Gi' } },
              ...(tls ? { volumeMounts: [{ name: WORKLOAD_TLS.secret, mountPath: WORKLOAD_TLS.mountPath, readOnly: true }] } : {}),
            },
          ],
          ...(tls ? { volumes: [{ name: WORKLOAD_TLS.secret, secret: { secretName: WORKLOAD_TLS.secret, defaultMode: 0o400 } }] } : {}),
        },
      },
    },
  };
}

/** The container port a protocol other than HTTP is served on (Fortio's gRPC ping, its TCP echo). */
function protocolPort(protocol: Protocol): { name: string; containerPort: number; protocol: 'TCP' }[] {
  const { targetPort } = SERVICE_PORT[protocol];
  const port = FORTIO_PORTS[targetPort];
  return port === undefined ? [] : [{ name: targetPort, containerPort: port, protocol: 'TCP' }];
}

/** The workload's answer as Fortio's echo endpoint gives it: payload size, delay, error share. */
export function workloadPath(s: ResolvedScenario): string {
  const q = [`size=${s.workload.payloadBytes}`];
  if (s.workload.serviceDelayUs > 0) q.push(`delay=${s.workload.serviceDelayUs}us`);
  if (s.workload.errorRate > 0) q.push(`status=500:${+(s.workload.errorRate * 100).toFixed(4)}`);
  return `/echo?${q.join('&')}`;
}


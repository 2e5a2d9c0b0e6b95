/**
 * What istiod must know of one trial's pods to push them config, as Istio registers workloads that
 * are not Kubernetes pods (VMs): a WorkloadEntry per pod, at the pod's address, with its service
 * account and `security.istio.io/tlsMode: istio` (without which clients would not send it mTLS),
 * and a ServiceEntry for the workload whose address is the workload pod's own, so the loader's
 * request to that address matches the service's route (an unknown address would leave through
 * Istio's PassthroughCluster, in plaintext). PeerAuthentication STRICT when the mesh asks for mTLS,
 * as meshes/istio.ts renders it on Kubernetes. Pure.
 */
import type { KubernetesObject } from '../../../meshes/index.ts';
import { MESH_PORT_NAME, type Protocol } from '../../../workload/protocol.ts';

export const TRUST_DOMAIN = 'cluster.local';

export interface IstiodTrialPods {
  /** The trial's namespace (one per trial: a namespace being deleted does not block the next). */
  namespace: string;
  pods: Record<'loadgen' | 'workload', { ip: string }>;
  appPort: number;
  /** What the workload speaks: the ServiceEntry's port says it, as a Service's appProtocol does on Kubernetes. */
  protocol: Protocol;
  mtls: boolean;
}

/**
 * The ServiceEntry port's protocol and name per workload protocol: what the sidecars proxy it as.
 * HTTP for gRPC or raw TCP would put an HTTP/1.1 codec on them; the workload's own TLS is HTTPS,
 * passed through inside the mesh's mTLS (as `appProtocol: https` does on Kubernetes).
 */
export const SERVICE_ENTRY_PORT: Record<Protocol, { name: string; protocol: string }> = {
  http1: { name: MESH_PORT_NAME.http1, protocol: 'HTTP' },
  h2c: { name: MESH_PORT_NAME.h2c, protocol: 'HTTP2' },
  grpc: { name: MESH_PORT_NAME.grpc, protocol: 'GRPC' },
  tcp: { name: MESH_PORT_NAME.tcp, protocol: 'TCP' },
  https: { name: MESH_PORT_NAME.https, protocol: 'HTTPS' },
  h2: { name: MESH_PORT_NAME.h2, protocol: 'HTTPS' },
};

/** The workload's service name, as on Kubernetes: `workload.<namespace>.svc.cluster.local`. */
export const serviceHost = (namespace: string): string => `workload.${namespace}.svc.${TRUST_DOMAIN}`;

/** The SPIFFE identity istiod's CA gives a pod: its namespace and service account (named as the pod). */
export const spiffeId = (namespace: string, pod: string): string => `spiffe://${TRUST_DOMAIN}/ns/${namespace}/sa/${pod}`;

/** The labels a pod carries, in its WorkloadEntry and in the agent's `./etc/istio/pod/labels`. */
export const podLabels = (pod: string): Record<string, string> => ({ app: pod, 'security.istio.io/tlsMode': 'istio' });

/** Namespace and service accounts first: the rest lives in them, and tokens are made for the accounts. */
export function trialObjects(t: IstiodTrialPods): { base: KubernetesObject[]; mesh: KubernetesObject[] } {
  const ns = t.namespace;
  const base: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    ...(['loadgen', 'workload'] as const).map((pod) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: pod, namespace: ns } })),
  ];
  const mesh: KubernetesObject[] = [
    ...(['loadgen', 'workload'] as const).map((pod) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'WorkloadEntry',
      metadata: { name: pod, namespace: ns, labels: podLabels(pod) },
      spec: { address: t.pods[pod].ip, labels: podLabels(pod), serviceAccount: pod },
    })),
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'workload', namespace: ns },
      spec: {
        hosts: [serviceHost(ns)],
        addresses: [t.pods.workload.ip],
        ports: [{ number: t.appPort, ...SERVICE_ENTRY_PORT[t.protocol], targetPort: t.appPort }],
        location: 'MESH_INTERNAL',
        resolution: 'STATIC',
        workloadSelector: { labels: { app: 'workload' } },
      },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: ns },
      spec: { mtls: { mode: t.mtls ? 'STRICT' : 'DISABLE' } },
    },
  ];
  return { base, mesh };
}

/** Pure constructors of the trial's own objects (k6-operator style): compared in tests, validated against upstream schemas. */
import type { KubernetesObject, PodOverlay } from '../../meshes/kubernetes.ts';
import type { ResolvedScenario } from '../../scenario/resolve.ts';

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

export function workloadService(names: TrialNames): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(WORKLOAD.name, names, { app: WORKLOAD.name }),
    spec: { selector: { app: WORKLOAD.name }, ports: [{ name: 'http', port: WORKLOAD.port, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }] },
  };
}

export function workloadDeployment(s: ResolvedScenario, names: TrialNames, pod: PodOverlay): KubernetesObject {
  const labels = { ...names.ownerLabels, app: WORKLOAD.name, ...pod.labels };
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
              args: ['server', '-http-port', String(WORKLOAD.port)],
              ports: [{ name: 'http', containerPort: WORKLOAD.port, protocol: 'TCP' }],
              readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
              resources: { requests: { cpu: '1', memory: '256Mi' }, limits: { memory: '1Gi' } },
            },
          ],
        },
      },
    },
  };
}

/** The workload's answer as Fortio's echo endpoint gives it: payload size, delay, error share. */
export function workloadPath(s: ResolvedScenario): string {
  const q = [`size=${s.workload.payloadBytes}`];
  if (s.workload.serviceDelayUs > 0) q.push(`delay=${s.workload.serviceDelayUs}us`);
  if (s.workload.errorRate > 0) q.push(`status=500:${+(s.workload.errorRate * 100).toFixed(4)}`);
  return `/echo?${q.join('&')}`;
}


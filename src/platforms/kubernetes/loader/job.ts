/**
 * The meshbench load engine in the cluster, with no image to build: its bundle (one ES module made
 * by src/load/bundle.ts) and its settings in a ConfigMap, run by a stock Node image as an Indexed
 * Job of `pods` completions, all parallel. Pure constructors (k6-operator's NewRunnerJob): the
 * tests compare them with expected objects and validate them against the upstream schemas.
 *
 * Each pod reads the mounted settings file (src/load/cluster-run.ts says every field), takes its
 * share of the schedule from JOB_COMPLETION_INDEX (rate/N over connections/N), and starts at the
 * absolute `startEpochMs` that every pod gets, so the pods' windows coincide.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject, PodOverlay } from '../../../meshes/kubernetes.ts';
import type { LoaderSettings as BaseLoaderSettings } from '../../../loader-settings.ts';
import { isTargetUrl, TARGET_SCHEMES } from '../../../workload/protocol.ts';

export const DEFAULT_LOADER_IMAGE = 'node:24-alpine';
/** The container whose terminated state and log the runner reads. */
export const LOADER_CONTAINER = 'loadgen';
export const SETTINGS_DIR = '/etc/meshbench';
export const BUNDLE_KEY = 'loader.mjs';
export const SETTINGS_KEY = 'load.json';
/**
 * A ConfigMap holds at most 1 MiB in all (etcd's object limit); the rest of the object and the
 * settings need a little room. The plain bundle is ~360 KB today.
 */
export const CONFIGMAP_LIMIT_BYTES = 1_048_576;
const CONFIGMAP_ROOM_BYTES = 16_384;

/** What the engine's settings file holds: the shared contract, with the pod count always set. */
export type LoaderSettings = BaseLoaderSettings & { pods: number };

export interface LoaderJobRequest {
  /** Job name, e.g. `loadgen-c4-r1000`; the ConfigMap is `<name>-engine`. */
  name: string;
  namespace: string;
  /** The run's ownership labels (render.ts OWNER_LABELS). */
  ownerLabels: Record<string, string>;
  /** The mesh's labels and annotations for the load generator's pod. */
  pod: PodOverlay;
  settings: LoaderSettings;
  /** The common start of every pod, epoch ms. */
  startEpochMs: number;
  /** Default node:24-alpine; `kubernetes.images.loader` for mirrors and air-gapped clusters. */
  image?: string;
  serviceAccountName: string;
  /** Pods carrying this label are the workload: the loader never shares their node. */
  workloadSelector: Record<string, string>;
  nodeSelector: Record<string, string> | null;
  /**
   * Bound on the Job's life (activeDeadlineSeconds): a proxy that never exits must not keep a
   * Job alive after the trial. The runner passes the start lead + warmup + window + drain + slack.
   */
  activeDeadlineSeconds: number;
}

export const configMapName = (jobName: string): string => `${jobName}-engine`;

/** Where an Indexed Job's pods put their index (Kubernetes sets it, and the env var JOB_COMPLETION_INDEX). */
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** Problems with a request, empty when it can run; checked before anything is applied. */
export function loaderRequestProblems(r: LoaderJobRequest): string[] {
  const s = r.settings;
  const problems: string[] = [];
  if (!Number.isInteger(s.pods) || s.pods < 1) problems.push(`load.pods must be a whole number of 1 or more, not ${s.pods}`);
  if (s.pods > s.connections) problems.push(`load.pods (${s.pods}) needs at least as many connections, not ${s.connections}: each pod drives its own share of them`);
  if (s.mode === 'rate' && !(Number(s.rateRps) > 0)) problems.push('mode rate needs a positive rateRps');
  if (!isTargetUrl(s.target)) problems.push(`the target must be a URL of one of ${TARGET_SCHEMES}, not ${JSON.stringify(s.target)}`);
  return problems;
}

/** The engine and its settings. Throws when the bundle would not fit a ConfigMap. */
export function loaderConfigMap(r: LoaderJobRequest, bundle: string): KubernetesObject {
  const settings = JSON.stringify(r.settings, null, 2);
  const bytes = Buffer.byteLength(bundle) + Buffer.byteLength(settings);
  if (bytes > CONFIGMAP_LIMIT_BYTES - CONFIGMAP_ROOM_BYTES) {
    throw new RangeError(`the load engine bundle and its settings take ${bytes} bytes; a ConfigMap holds at most ${CONFIGMAP_LIMIT_BYTES - CONFIGMAP_ROOM_BYTES} of them here: bundle it minified`);
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName(r.name), namespace: r.namespace, labels: { ...r.ownerLabels, app: 'loadgen' } },
    // Immutable: the pods of one Job must all read the same engine and settings.
    immutable: true,
    data: { [BUNDLE_KEY]: bundle, [SETTINGS_KEY]: settings },
  };
}

export function loaderJob(r: LoaderJobRequest): KubernetesObject {
  const pods = r.settings.pods;
  const env = [
    { name: 'MESHBENCH_LOAD_SETTINGS', value: `${SETTINGS_DIR}/${SETTINGS_KEY}` },
    { name: 'MESHBENCH_START_EPOCH_MS', value: String(r.startEpochMs) },
    { name: 'MESHBENCH_PODS', value: String(pods) },
    // Node's own heap default is a share of the container's memory; say nothing else to it.
  ];
  const podLabels = { ...r.ownerLabels, app: 'loadgen', ...r.pod.labels };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: r.name, namespace: r.namespace, labels: { ...r.ownerLabels, app: 'loadgen' } },
    spec: {
      completionMode: 'Indexed',
      completions: pods,
      parallelism: pods,
      // A retried pod would start after the common start and measure another window: no retries.
      backoffLimit: 0,
      activeDeadlineSeconds: r.activeDeadlineSeconds,
      template: {
        metadata: { labels: podLabels, ...(Object.keys(r.pod.annotations).length ? { annotations: r.pod.annotations } : {}) },
        spec: {
          serviceAccountName: r.serviceAccountName,
          restartPolicy: 'Never',
          ...(r.nodeSelector ? { nodeSelector: r.nodeSelector } : {}),
          affinity: {
            podAntiAffinity: {
              // Never on the workload's node: the loader's CPU would be charged to the target's.
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: r.workloadSelector }, topologyKey: 'kubernetes.io/hostname' }],
              // Loader pods spread over nodes where they can, so one node's CPU does not saturate them all.
              ...(pods > 1
                ? { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { 'batch.kubernetes.io/job-name': r.name } }, topologyKey: 'kubernetes.io/hostname' } }] }
                : {}),
            },
          },
          containers: [
            {
              name: LOADER_CONTAINER,
              image: r.image ?? DEFAULT_LOADER_IMAGE,
              command: ['node', `${SETTINGS_DIR}/${BUNDLE_KEY}`],
              env,
              volumeMounts: [{ name: 'engine', mountPath: SETTINGS_DIR, readOnly: true }],
              resources: { requests: { cpu: '1', memory: '256Mi' }, limits: { memory: '1Gi' } },
              // The node image's own user; the engine writes nothing, so the root filesystem stays read-only.
              // Set on the container, not the pod: a mesh's injected init container (App Mesh's
              // proxyinit, linkerd-init) may need root, and a pod-wide runAsNonRoot would refuse it.
              securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
          volumes: [{ name: 'engine', configMap: { name: configMapName(r.name) } }],
        },
      },
    },
  };
}

/**
 * For `bench render`: the ConfigMap with its ~360 KB bundle replaced by a line that says what it
 * is (size and sha256), so the manifests stay readable; still a valid ConfigMap.
 */
export function withBundleElided(configMap: KubernetesObject): KubernetesObject {
  const data = configMap.data as Record<string, string>;
  const bundle = data[BUNDLE_KEY] ?? '';
  const sha256 = createHash('sha256').update(bundle).digest('hex');
  return { ...configMap, data: { ...data, [BUNDLE_KEY]: `// meshbench load engine bundle: ${Buffer.byteLength(bundle)} bytes, sha256 ${sha256} (elided)\n` } };
}

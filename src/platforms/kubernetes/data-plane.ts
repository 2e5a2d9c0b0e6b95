/**
 * Is the mesh really in the pods? A run that would label a no-sidecar measurement "istio" must
 * fail instead. The check reads the mesh adapter's data-plane description: its proxy containers
 * (in `containers`, or as native sidecars in `initContainers`), or, for ambient, the redirection
 * annotation istio-cni sets on enrolled pods.
 */
import { dataPlaneContainersOf, injected, type KubernetesOverlay, type Placement } from '../../meshes/index.ts';
import { RunError } from '../../errors.ts';
import { formatProblem, type Problem } from './problems.ts';
import type { PodLike } from './ready.ts';

export const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';

export interface DataPlaneCheck {
  mesh: string;
  namespace: string;
  overlay: KubernetesOverlay;
  placement: Placement;
  /** The trial's pods; `app` labels tell the workload (`workload`) from the load generator (`loadgen`). */
  pods: PodLike[];
}

export interface DataPlaneFacts {
  problems: Problem[];
  /** Some proxy runs as a native sidecar (an init container that restarts always). */
  nativeSidecars: boolean;
  /** container name → image of the data-plane containers found, e.g. istio-proxy → docker.io/istio/proxyv2:1.30.3. */
  proxyImages: Record<string, string>;
}

const INJECTION_HINTS: Record<string, string> = {
  istio: 'the namespace label istio-injection=enabled (or istio.io/rev=REVISION) must match an installed injector (kubectl get mutatingwebhookconfigurations -l istio.io/rev), and the pod must not carry sidecar.istio.io/inject=false',
  appmesh: 'the namespace needs appmesh.k8s.aws/sidecarInjectorWebhook=enabled and a Mesh that selects it; check the appmesh-controller logs (kubectl -n appmesh-system logs deploy/appmesh-controller)',
  linkerd: 'the namespace or pod needs the annotation linkerd.io/inject=enabled; run `linkerd check --proxy -n NAMESPACE`',
};

const shown = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';

export function checkDataPlane(c: DataPlaneCheck): DataPlaneFacts {
  const facts: DataPlaneFacts = { problems: [], nativeSidecars: false, proxyImages: {} };
  const on = injected(c.placement);
  const names = c.overlay.dataPlaneContainers;
  const where = (p: PodLike) => `mesh ${c.mesh}: pod ${c.namespace}/${p.metadata.name}`;
  for (const pod of c.pods) {
    const role = pod.metadata.labels?.app;
    const meant = role === 'workload' ? on.workload : role === 'loadgen' ? on.loadgen : null;
    if (meant === null) continue;
    if (names.length > 0) {
      const found = dataPlaneContainersOf(pod.spec, names);
      for (const name of found) {
        const init = pod.spec.initContainers?.find((x) => x.name === name);
        if (init?.restartPolicy === 'Always') facts.nativeSidecars = true;
        const image = (init ?? pod.spec.containers.find((x) => x.name === name))?.image;
        if (image) facts.proxyImages[name] = image;
      }
      if (meant && found.length === 0) {
        facts.problems.push({
          where: where(pod),
          what: `the mesh's data plane is not in the pod: no ${names.join(' or ')} container, neither in containers nor as a native sidecar (the namespace carries labels ${shown(c.overlay.namespaceLabels)}, annotations ${shown(c.overlay.namespaceAnnotations)}); measuring it would label a no-sidecar run "${c.mesh}"`,
          fix: INJECTION_HINTS[c.mesh] ?? `check that the mesh's injector acts on namespaces labelled ${shown(c.overlay.namespaceLabels)} and on pods labelled ${shown(role === 'workload' ? c.overlay.workloadPod.labels : c.overlay.loadgenPod.labels)}`,
        });
      }
      if (!meant && found.length > 0) {
        facts.problems.push({
          where: where(pod),
          what: `the pod carries ${found.join(', ')} although placement ${c.placement} keeps it out of the mesh; the figures would not be what the scenario says`,
          fix: `check that the mesh honours the opt-out on the pod (labels ${shown(role === 'workload' ? c.overlay.workloadPod.labels : c.overlay.loadgenPod.labels)})`,
        });
      }
    } else if (c.overlay.dataPlanePods.some((p) => p.role === 'node-proxy') && meant) {
      // Ambient: no proxy in the pod; istio-cni marks the pods whose traffic ztunnel captures.
      if (pod.metadata.annotations?.[AMBIENT_REDIRECTION] !== 'enabled') {
        facts.problems.push({
          where: where(pod),
          what: `the pod is not enrolled in ambient mode: annotation ${AMBIENT_REDIRECTION}=enabled is missing (the namespace carries ${shown(c.overlay.namespaceLabels)})`,
          fix: 'istio-cni sets it on pods of namespaces labelled istio.io/dataplane-mode=ambient: check the istio-cni DaemonSet on the pod\'s node (kubectl -n istio-system logs ds/istio-cni-node) and that the pod does not opt out',
        });
      }
    }
  }
  return facts;
}

/** A load pod as it ended (loader/runner.ts JobPod): its labels, annotations and containers. */
interface EndedPod {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers?: { name: string; image?: string }[]; initContainers?: { name: string; image?: string; restartPolicy?: string }[] };
}

/**
 * The load pods carried the mesh as the placement says, checked like the workload's: with
 * `placement: both` a declined injection (or an ambient enrolment that did not happen) would
 * otherwise be measured as server-only without a word. Throws the trial's RunError.
 */
export function checkLoaderDataPlane(c: Omit<DataPlaneCheck, 'pods'>, ended: readonly EndedPod[]): void {
  const pods = ended.map((p): PodLike => ({ metadata: { ...p.metadata, namespace: c.namespace }, spec: { containers: p.spec.containers ?? [], ...(p.spec.initContainers ? { initContainers: p.spec.initContainers } : {}) } }));
  const problems = checkDataPlane({ ...c, pods }).problems;
  if (problems.length > 0) {
    throw new RunError({ what: `mesh ${c.mesh} was not in the load generator's pods as placement ${c.placement} says:\n${problems.map(formatProblem).join('\n')}`, where: `namespace ${c.namespace}`, fix: problems[0]!.fix });
  }
}

/**
 * What each mesh needs installed in the cluster before a trial can mean anything, as data that
 * the preflight checks (requirement-checks.ts). A custom mesh declares its own list in the same
 * shape. CRDs are not listed: every kind a trial applies must be served, whatever the mesh.
 */
import type { KubernetesOverlay } from '../../meshes/index.ts';

/** A controller that must run: its version is read from the image tag of `versionContainer`. */
export interface WorkloadRequirement {
  kind: 'workload';
  component: string;
  workloadKind: 'Deployment' | 'DaemonSet';
  /** Where it usually lives, for the message; the search covers every namespace. */
  namespace: string;
  selector: Record<string, string>;
  versionContainer?: string;
  /**
   * The control plane decides whether proxies are native sidecars: an env var of its container
   * when set, else on from `sinceVersion` (Istio: ENABLE_NATIVE_SIDECARS, default on from 1.27).
   */
  nativeSidecars?: { env: string; sinceVersion: string };
  fix: string;
}

/**
 * A mutating webhook that must select the trial's namespace and its meshed pods, as the API
 * server will evaluate its namespaceSelector and objectSelector (so an Istio injector of another
 * revision does not count).
 */
export interface InjectorRequirement {
  kind: 'injector';
  component: string;
  /** Label selector of the MutatingWebhookConfiguration, e.g. `istio.io/rev`. */
  configSelector?: string;
  /** Names of the webhooks inside it that inject pods, e.g. `mpod.appmesh.k8s.aws` (suffix match). */
  webhookSuffix?: string;
  fix: string;
}

export type MeshRequirement = WorkloadRequirement | InjectorRequirement;

export interface MeshRequirements {
  requirements: MeshRequirement[];
  /** Said on every run, without failing it. */
  warnings: string[];
}

export interface RequirementContext {
  mesh: string;
  overlay: KubernetesOverlay;
  istioRevision: string | null;
  waypoint: boolean;
  mtls: boolean;
}

export const APPMESH_END_OF_SUPPORT = '2026-09-30';

const ISTIO_DOCS = 'https://istio.io/latest/docs/setup/install/istioctl/';

function istiod(revision: string | null): WorkloadRequirement {
  return {
    kind: 'workload',
    component: 'istiod',
    workloadKind: 'Deployment',
    namespace: 'istio-system',
    selector: { app: 'istiod', ...(revision ? { 'istio.io/rev': revision } : {}) },
    versionContainer: 'discovery',
    nativeSidecars: { env: 'ENABLE_NATIVE_SIDECARS', sinceVersion: '1.27' },
    fix: revision ? `install the control plane of revision ${revision}: istioctl install --set revision=${revision} (${ISTIO_DOCS})` : `install Istio: istioctl install --set profile=default (${ISTIO_DOCS})`,
  };
}

/** The requirements of a built-in mesh; `declared` are a custom mesh's own. */
export function meshRequirements(c: RequirementContext, declared: MeshRequirement[] = []): MeshRequirements {
  switch (c.mesh) {
    case 'none':
      return { requirements: [], warnings: [] };
    case 'istio':
      return {
        requirements: [
          istiod(c.istioRevision),
          {
            kind: 'injector',
            component: 'Istio sidecar injector',
            configSelector: 'istio.io/rev',
            fix: c.istioRevision
              ? `install revision ${c.istioRevision} (istioctl install --set revision=${c.istioRevision}), or set kubernetes.istio.revision to an installed one`
              : 'install Istio with its default revision (istioctl install), or set kubernetes.istio.revision to the revision you installed (istioctl tag list)',
          },
        ],
        warnings: [],
      };
    case 'istio-ambient': {
      const ztunnel = c.overlay.dataPlanePods.find((p) => p.role === 'node-proxy');
      return {
        requirements: [
          istiod(c.istioRevision),
          {
            kind: 'workload',
            component: 'ztunnel',
            workloadKind: 'DaemonSet',
            namespace: ztunnel?.namespace ?? 'istio-system',
            selector: ztunnel?.selector ?? { app: 'ztunnel' },
            versionContainer: ztunnel?.container ?? 'istio-proxy',
            fix: 'install Istio with the ambient profile: istioctl install --set profile=ambient (https://istio.io/latest/docs/ambient/install/)',
          },
          {
            kind: 'workload',
            component: 'istio-cni',
            workloadKind: 'DaemonSet',
            namespace: 'istio-system',
            selector: { 'k8s-app': 'istio-cni-node' },
            versionContainer: 'install-cni',
            fix: 'install Istio with the ambient profile, which includes the istio-cni node agent: istioctl install --set profile=ambient',
          },
        ],
        warnings: [],
      };
    }
    case 'appmesh':
      return {
        requirements: [
          {
            kind: 'workload',
            component: 'appmesh-controller',
            workloadKind: 'Deployment',
            namespace: 'appmesh-system',
            selector: { 'app.kubernetes.io/name': 'appmesh-controller' },
            versionContainer: 'controller',
            fix: 'install the controller: helm install appmesh-controller eks/appmesh-controller --namespace appmesh-system (https://github.com/aws/eks-charts/tree/master/stable/appmesh-controller)',
          },
          {
            kind: 'injector',
            component: 'App Mesh sidecar injector',
            webhookSuffix: 'mpod.appmesh.k8s.aws',
            fix: 'the appmesh-controller chart installs it (appmesh-controller-mutating-webhook-configuration); reinstall the chart',
          },
          // App Mesh's mutual TLS takes its certificates from SPIRE through SDS: without the agent, Envoy has none.
          ...(c.mtls
            ? [
                {
                  kind: 'workload' as const,
                  component: 'spire-agent',
                  workloadKind: 'DaemonSet' as const,
                  namespace: 'spire',
                  selector: { app: 'spire-agent' },
                  versionContainer: 'spire-agent',
                  fix: 'install SPIRE (https://docs.aws.amazon.com/app-mesh/latest/userguide/mutual-tls.html) and the controller with --set sds.enabled=true, or set kubernetes.mtls: false',
                },
              ]
            : []),
        ],
        warnings: [`AWS App Mesh support ended on ${APPMESH_END_OF_SUPPORT}: its figures are for migration decisions, not for a mesh to adopt`],
      };
    case 'linkerd':
      return {
        requirements: [
          {
            kind: 'workload',
            component: 'linkerd proxy injector',
            workloadKind: 'Deployment',
            namespace: 'linkerd',
            selector: { 'linkerd.io/control-plane-component': 'proxy-injector' },
            versionContainer: 'proxy-injector',
            fix: 'install Linkerd: linkerd install --crds | kubectl apply -f - && linkerd install | kubectl apply -f - (https://linkerd.io/2/getting-started/)',
          },
          {
            kind: 'injector',
            component: 'Linkerd proxy injector',
            webhookSuffix: 'linkerd-proxy-injector.linkerd.io',
            fix: 'linkerd check --pre, then linkerd install: the control plane includes the linkerd-proxy-injector webhook',
          },
        ],
        warnings: [],
      };
    default:
      return { requirements: declared, warnings: [] };
  }
}

/** Where to get a CRD group a trial applies, for the "not served" message. */
export function installHintForGroup(group: string): string {
  if (group.endsWith('istio.io')) return 'install Istio, which brings its CRDs (istioctl install), or only the CRDs (helm install istio-base istio/base -n istio-system)';
  if (group === 'appmesh.k8s.aws') return 'install the App Mesh CRDs: kubectl apply -k "github.com/aws/eks-charts/stable/appmesh-controller/crds?ref=master"';
  if (group === 'gateway.networking.k8s.io') return 'install the Gateway API CRDs: kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml';
  return `install the CRDs of ${group} that the mesh's manifests use`;
}

/**
 * How a meshed loader Job ends. A Job's pod completes only when all its containers have exited,
 * and a classic sidecar proxy never exits by itself. Two ways out, from the mesh adapter's
 * `jobTermination`:
 *   - native sidecars (the proxy is an init container with restartPolicy Always): the kubelet
 *     stops it once the loader container has exited, so nothing is to be done;
 *   - otherwise the engine POSTs to the proxy's quit endpoint once its result line is out
 *     (Istio :15020/quitquitquit, Envoy admin :9901/quitquitquit, linkerd-proxy :4191/shutdown).
 */
import type { JobTermination } from '../../../meshes/kubernetes.ts';

export interface TerminationFacts {
  /** The placement puts a proxy in the load generator's pod. */
  loadgenInjected: boolean;
  /**
   * The injector makes native sidecars: seen in the trial's own meshed pods (platform.ts's
   * checkDataPlane: `nativeSidecars`), or foreseen at preflight (istioNativeSidecars below).
   */
  nativeSidecars: boolean;
}

export interface LoaderTermination {
  /** What the engine POSTs when it is done, or null. */
  quitUrl: string | null;
  /** For the run's log and the report. */
  how: string;
}

export function loaderTermination(t: JobTermination, f: TerminationFacts): LoaderTermination {
  if (!f.loadgenInjected || t.method === 'none') return { quitUrl: null, how: 'no proxy in the loader pod: the Job ends with the engine' };
  if (t.method === 'native-sidecar' && f.nativeSidecars) return { quitUrl: null, how: 'native sidecar: the kubelet stops the proxy once the engine has exited' };
  const post = t.method === 'native-sidecar' ? t.otherwise : t;
  return { quitUrl: post.url, how: `the engine asks the proxy to quit (POST ${post.url}) once its result is out` };
}

interface IstiodLike {
  spec?: { template?: { spec?: { containers?: { name: string; image?: string; env?: { name: string; value?: string }[] }[] } } };
}

export interface NativeSidecarVerdict {
  native: boolean;
  why: string;
}

const minorOf = (v: string | undefined): [number, number] | null => {
  const m = /(\d+)\.(\d+)/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
};
const atLeast = (v: [number, number] | null, major: number, minor: number) => v !== null && (v[0] > major || (v[0] === major && v[1] >= minor));

/**
 * Preflight: will Istio inject native sidecars? Read from istiod's Deployment (nothing created):
 * its ENABLE_NATIVE_SIDECARS env decides when set to true or false; unset, Istio 1.27 and later
 * inject native sidecars on Kubernetes 1.29 and later (SidecarContainers on by default), older
 * Istio does not. `auto...` values mean the same version test. The per-pod annotation
 * `sidecar.istio.io/nativeSidecar` could still override it; meshbench sets none, and the trial's
 * own pods confirm it after deploy (checkDataPlane's `nativeSidecars`).
 */
export function istioNativeSidecars(istiod: IstiodLike, kubernetesVersion: string | undefined): NativeSidecarVerdict {
  const discovery = istiod.spec?.template?.spec?.containers?.find((c) => c.name === 'discovery');
  const tag = /:([^:@/]+)(@.*)?$/.exec(discovery?.image ?? '')?.[1];
  const flag = discovery?.env?.find((e) => e.name === 'ENABLE_NATIVE_SIDECARS')?.value?.toLowerCase();
  if (flag === 'true') return { native: true, why: 'istiod sets ENABLE_NATIVE_SIDECARS=true' };
  if (flag === 'false') return { native: false, why: 'istiod sets ENABLE_NATIVE_SIDECARS=false' };
  const kube = minorOf(kubernetesVersion);
  if (!atLeast(kube, 1, 29)) return { native: false, why: `Kubernetes ${kubernetesVersion ?? '(unknown)'} is older than 1.29 (SidecarContainers)` };
  const istio = minorOf(tag);
  if (!istio) return { native: false, why: `istiod's image tag ${JSON.stringify(tag ?? '')} tells no version` };
  if (atLeast(istio, 1, 27)) return { native: true, why: `Istio ${tag} (1.27 or later) on Kubernetes ${kubernetesVersion} injects native sidecars by default` };
  return { native: false, why: `Istio ${tag} is older than 1.27 and ENABLE_NATIVE_SIDECARS is not set` };
}

/** What a local run needs installed, found before anything starts: its sidecar proxy, and for istiod its binaries and layout. */
import { ExitCode, MeshbenchError } from '../../errors.ts';
import type { LocalControl, LocalSidecar } from '../../meshes/types.ts';
import { findEnvoy, type EnvoyBinary } from './envoy/binary.ts';
import { haproxyVersion } from './haproxy.ts';
import { findIstioBinaries, type IstioBinaries } from './istiod/binaries.ts';
import type { LocalLayout } from './netns/layout.ts';

export interface SidecarProxy {
  sidecar: LocalSidecar;
  /** "1.40.0", "2.6.12". */
  version: string;
  envoy: EnvoyBinary | null;
}

/** The installed proxy of the kind asked for, or a UsageError / RunError saying how to install it. */
export async function sidecarProxy(sidecar: LocalSidecar, given: EnvoyBinary | undefined): Promise<SidecarProxy> {
  if (sidecar === 'haproxy') return { sidecar, version: await haproxyVersion(), envoy: null };
  const envoy = given ?? (await findEnvoy());
  return { sidecar, version: /\/(\d+\.\d+\.\d+)\//.exec(envoy.build)?.[1] ?? 'unknown', envoy };
}

/**
 * `control: istiod` with an istio trial to run: Envoy sidecars in the netns layout, and Istio's
 * binaries and the API tier built; a PreflightError (exit 2, nothing ran) otherwise.
 */
export async function istiodPreflight(o: { control?: LocalControl; istio?: boolean; layout?: LocalLayout; layoutReason?: string }, proxy: SidecarProxy | null): Promise<IstioBinaries | null> {
  if (o.control !== 'istiod' || o.istio === false) return null;
  const where = 'local platform (local.control: istiod)';
  if (!proxy?.envoy) throw new PreflightError({ what: 'istiod drives Envoy sidecars through pilot-agent, and this run\'s sidecars are HAProxy', where, fix: 'remove `local.sidecar: haproxy`, or set `local.control: static`' });
  if ((o.layout ?? 'loopback') !== 'netns') throw new PreflightError({ what: `istiod's sidecars run in pod network namespaces, and this run uses the loopback layout${o.layoutReason ? ` (${o.layoutReason})` : ''}`, where, fix: 'run as root (or with CAP_NET_ADMIN and CAP_SYS_ADMIN) without `local.layout: loopback`, or set `local.control: static`' });
  return findIstioBinaries().catch((e: MeshbenchError) => {
    throw new PreflightError({ what: e.what, where: e.where ?? where, fix: e.fix ?? '', cause: e });
  });
}

/** What this machine lacks, found before anything started: exit 2, as a scenario error (DESIGN.md "Exit codes"). */
export class PreflightError extends MeshbenchError {
  override readonly exitCode = ExitCode.usage;
}

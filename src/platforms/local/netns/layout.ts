/**
 * Which layout a local run uses: `netns` (pods as network namespaces on two nodes) or `loopback`
 * (processes on 127.0.0.1). DESIGN.md: a scenario may pin it; by default a process that can create
 * namespaces uses them. A mesh that exists only in the netns layout (istio-ambient: ztunnel needs
 * pod namespaces) makes the netns layout a precondition, checked before anything runs.
 */
import { UsageError } from '../../../errors.ts';
import { meshes } from '../../../meshes/index.ts';
import { needsNetnsLayout } from '../../../meshes/types.ts';
import { probeNetnsSupport, type NetnsSupport } from './probe.ts';

export const LOCAL_LAYOUTS = ['netns', 'loopback'] as const;
export type LocalLayout = (typeof LOCAL_LAYOUTS)[number];

export interface LayoutChoice {
  layout: LocalLayout;
  /** For the result's environment and the progress display. */
  reason: string;
}

/** Built-in meshes that the loopback layout cannot run: those whose local profile is a real node proxy. */
export const NETNS_ONLY_MESHES: readonly string[] = Object.values(meshes)
  .filter((m) => m.localProfile && needsNetnsLayout(m.localProfile({ cpuCount: 1 })))
  .map((m) => m.name);

/**
 * Decides the layout; a UsageError (exit 2) when the scenario pins `netns`, or has a netns-only
 * mesh, and this process cannot build namespaces. `probe` is injectable for tests.
 */
export async function chooseLayout(requested: LocalLayout | 'auto', meshNames: readonly string[], probe: () => Promise<NetnsSupport> = probeNetnsSupport): Promise<LayoutChoice> {
  const needs = meshNames.filter((m) => NETNS_ONLY_MESHES.includes(m));
  if (requested === 'loopback') {
    if (needs.length > 0) {
      throw new UsageError({ what: `${needs.join(', ')} runs only with pods as network namespaces, and the scenario pins layout loopback`, where: 'scenario local.layout', fix: 'remove `layout: loopback`, or remove the mesh' });
    }
    return { layout: 'loopback', reason: 'pinned by the scenario' };
  }
  const support = await probe();
  if (support.ok) return { layout: 'netns', reason: requested === 'netns' ? 'pinned by the scenario' : 'this process can create network namespaces' };
  if (requested === 'netns' || needs.length > 0) {
    const why = needs.length > 0 ? `${needs.join(', ')} needs pods as network namespaces` : 'the scenario pins layout netns';
    throw new UsageError({ what: `${why}, and ${support.reason}`, where: 'local platform (netns layout)', fix: support.fix });
  }
  // Said in the run's header and result.json: a root run on a machine without iptables must not
  // take the loopback layout silently.
  return { layout: 'loopback', reason: `no network namespaces here: ${support.reason}; ${support.fix}` };
}

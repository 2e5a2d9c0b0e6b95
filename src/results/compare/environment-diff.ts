/** What differs between two results: the experiment (scenario) and the machine it ran on. */
import type { RunResult } from '../model.ts';

export interface Difference {
  what: string;
  baseline: string;
  candidate: string;
  /** Refuses the comparison unless waived (--allow-scenario-diff, --allow-env-diff); others are reported only. */
  blocking: boolean;
  /** What was measured (the scenario) or where (the machine and its software). */
  kind: 'scenario' | 'environment';
}

const major = (version: string) => version.replace(/^v/, '').split('.')[0] ?? version;

export function differences(baseline: RunResult, candidate: RunResult): Difference[] {
  const out: Difference[] = [];
  const add = (what: string, b: unknown, c: unknown, blocking: boolean, kind: Difference['kind'] = 'environment') => {
    if (String(b) !== String(c)) out.push({ what, baseline: String(b), candidate: String(c), blocking, kind });
  };
  add('scenario (hash of what is measured)', baseline.scenarioHash, candidate.scenarioHash, true, 'scenario');
  // Named apart from the hash: an imported reference (which no difference refuses) may have spoken
  // another protocol, and a reader must see it (absent: HTTP/1.1, as in files before protocols).
  add('protocol', baseline.environment.protocol ?? 'http1', candidate.environment.protocol ?? 'http1', true, 'scenario');
  const be = baseline.environment;
  const ce = candidate.environment;
  add('platform', be.platform, ce.platform, true);
  add('CPU model', be.cpuModel, ce.cpuModel, true);
  add('CPU count', be.cpuCount, ce.cpuCount, true);
  add('memory', be.memoryBytes, ce.memoryBytes, true);
  add('layout', be.layout, ce.layout, true);
  // A proxy or control-plane version is what a mesh-upgrade gate exists to catch: reported, and
  // blocking only for the local emulation's HAProxy, which stands in for the mesh itself, and for
  // which proxy the local sidecars were (Envoy or HAProxy: two different measurements).
  for (const name of [...new Set([...Object.keys(be.components), ...Object.keys(ce.components)])].sort()) {
    // `sidecar` names which proxy ran (envoy, haproxy), not a version.
    add(name === 'sidecar' ? 'sidecar proxy' : `${name} version`, be.components[name] ?? '(none)', ce.components[name] ?? '(none)', name === 'haproxy' || name === 'sidecar');
  }
  add('Node major version', major(be.node), major(ce.node), true);
  // Routine updates on CI machines: worth knowing, not worth refusing.
  add('kernel', be.kernel, ce.kernel, false);
  add('Node version', be.node, ce.node, false);
  add('meshbench version', baseline.meshbenchVersion, candidate.meshbenchVersion, false);
  return out;
}

/**
 * The differences that refuse a comparison. An imported reference comes from another environment
 * by nature: every difference is named, none refuses (DESIGN.md "An imported result").
 */
export function blockingDifferences(baseline: RunResult, candidate: RunResult): Difference[] {
  if (baseline.source.kind === 'imported') return [];
  return differences(baseline, candidate).filter((d) => d.blocking);
}

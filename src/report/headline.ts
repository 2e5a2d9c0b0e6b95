/** The headline in words: one sentence per mesh, and the banner when a mesh is an emulation. */
import type { Headline, MeshHeadline } from '../results/headline.ts';
import type { PairedEstimate } from '../results/paired.ts';
import { formatBitsPerSecond, formatCores, formatUs } from './format.ts';

function part(e: PairedEstimate, at: string, verb = true): string {
  const [v, what] = e.estimate >= 0 ? ['adds ', formatUs(e.estimate)] : ['is ', `${formatUs(-e.estimate)} faster`];
  return `${verb ? v : ''}${what} at ${at}`;
}

function levelInWords(h: Headline): string {
  const l = h.level!;
  const load = l.targetRps !== null ? `${l.targetRps} rps` : h.bandwidth ? `full bandwidth over ${l.connections} connection${l.connections === 1 ? '' : 's'}` : `the maximum rate over ${l.connections} connection${l.connections === 1 ? '' : 's'}`;
  return h.levels > 1 ? `${load} (the heaviest of ${h.levels} load levels)` : load;
}

/** "Istio (local emulation)", "Istio ambient (local: ztunnel 1.30.3, ...)": the label with the mesh's name for people. */
function name(m: MeshHeadline): string {
  if (m.emulated) return `${m.displayName} (local emulation)`;
  return m.meshLabel.startsWith(m.mesh) ? `${m.displayName}${m.meshLabel.slice(m.mesh.length)}` : m.meshLabel;
}

/** "istio (local emulation) adds 236 µs at P50 and 1.19 ms at P99 at 1000 rps; firm, 3 pairs." */
export function meshSentence(m: MeshHeadline, h: Headline): string {
  const at = levelInWords(h);
  if (m.bandwidth) return bandwidthSentence(m, m.bandwidth, h, at);
  if (!m.p50AddedUs || !m.p99AddedUs) return `${name(m)}: no figure at ${at}, as no repetition of it was valid beside a valid one of ${h.baselineMesh}.`;
  // Named, since "firm" beside a figure whose interval reaches zero reads as a firm cost otherwise.
  const straddling = ([['P50', m.p50AddedUs], ['P99', m.p99AddedUs]] as const).filter(([, e]) => e.low <= 0 && e.high >= 0).map(([p]) => p);
  const straddles = straddling.length === 0 ? '' : straddling.length === 1 ? ` (the ${straddling[0]} interval includes no change)` : ' (the P50 and P99 intervals include no change)';
  const firmness = m.firm
    ? `firm, ${m.pairs} pairs${straddles}`
    : `not firm: ${m.pairs} pair${m.pairs === 1 ? '' : 's'}, a firm figure needs ${h.minFirmPairs}`;
  const sameWay = m.p50AddedUs.estimate >= 0 === m.p99AddedUs.estimate >= 0;
  return `${name(m)} ${part(m.p50AddedUs, 'P50')} and ${part(m.p99AddedUs, 'P99', !sameWay)} at ${at}; ${firmness}.`;
}

/** "Istio (...) carried 3.07 Gbit/s, 37.6 % less than none's 4.92 Gbit/s, at full bandwidth over 2 connections; 0.32 proxy cores per Gbit/s; not firm: 1 pair, ..." */
function bandwidthSentence(m: MeshHeadline, b: NonNullable<MeshHeadline['bandwidth']>, h: Headline, at: string): string {
  if (b.bitsPerSecond === null || !b.change) return `${name(m)}: no bandwidth figure at ${at}, as no repetition of it was valid beside a valid one of ${h.baselineMesh}.`;
  const pct = `${Math.abs(b.change.estimate * 100).toFixed(1)} % ${b.change.estimate >= 0 ? 'more' : 'less'}`;
  const base = h.baselineBitsPerSecond === null ? '' : `'s ${formatBitsPerSecond(h.baselineBitsPerSecond)}`;
  const proxy = b.proxyCoresPerGbps === null ? '' : `; its proxies used ${formatCores(b.proxyCoresPerGbps)} cores per Gbit/s`;
  const firmness = m.firm ? `firm, ${m.pairs} pairs` : `not firm: ${m.pairs} pair${m.pairs === 1 ? '' : 's'}, a firm figure needs ${h.minFirmPairs}`;
  return `${name(m)} carried ${formatBitsPerSecond(b.bitsPerSecond)}, ${pct} than ${h.baselineMesh}${base}, at ${at}${proxy}; latency not measured in bandwidth mode; ${firmness}.`;
}

/** Every sentence of the headline; one saying so when the run has nothing to measure against. */
export function headlineSentences(h: Headline): string[] {
  if (h.baselineMesh === null) return ['This run has no `none` mesh, so there is nothing to measure what a mesh adds against: the figures below stand alone.'];
  if (h.meshes.length === 0) return [baselineSentence(h)];
  return h.meshes.map((m) => meshSentence(m, h));
}

/**
 * Said wherever the headline is, when any figure comes from a stand-in for the mesh's proxy, or
 * from the real proxy that meshbench, not the mesh's control plane, configured.
 */
export function emulationBanner(h: Headline): string | null {
  const envoy = h.localEnvoy.length
    ? `Envoy sidecars configured by meshbench with each mesh's documented defaults, not by its control plane (${h.localEnvoy.join(', ')}): read ${h.localEnvoy.length === 1 ? 'its figures' : 'these figures'} as the cost of that mesh's sidecar data path on this machine (upstream Envoy, without Istio's telemetry filters).`
    : null;
  if (h.emulated.length === 0) return envoy;
  const names = h.emulated;
  return `${envoy ? `${envoy} ` : ''}HAProxy stands in for the mesh's own proxy (${names.join(', ')}): read ${names.length === 1 ? 'its figures' : 'these figures'} as the cost of a sidecar data path with that mesh's defaults on this machine, not as a measurement of the mesh itself.`;
}

/** The headline for a terminal or a log: the sentences, then the banner. */
export function headlineText(h: Headline): string {
  const banner = emulationBanner(h);
  return [...headlineSentences(h), ...(banner ? [`Note: ${banner}`] : [])].join('\n');
}

/** A run of the baseline alone (a quick run of a URL): what the target itself did. */
function baselineSentence(h: Headline): string {
  const b = h.baseline;
  const alone = `This run measured ${h.baselineMesh} alone, so no mesh's cost: add one to \`meshes\` to see what it adds.`;
  if (!b || !h.level) return alone;
  if (h.bandwidth) return h.baselineBitsPerSecond === null ? `${b.label}: no valid repetition at ${levelInWords(h)} (${b.measured} measured, all invalid: see the reasons in results.csv). ${alone}` : `${b.label} carried ${formatBitsPerSecond(h.baselineBitsPerSecond)} at ${levelInWords(h)} (median of ${b.valid} valid repetition${b.valid === 1 ? '' : 's'}; latency not measured in bandwidth mode). ${alone}`;
  if (b.p50Us === null || b.p99Us === null) return `${b.label}: no valid repetition at ${levelInWords(h)} (${b.measured} measured, all invalid: see the reasons in results.csv). ${alone}`;
  return `${b.label} answered at P50 ${formatUs(b.p50Us)} and P99 ${formatUs(b.p99Us)} at ${levelInWords(h)} (median of ${b.valid} valid repetition${b.valid === 1 ? '' : 's'}). ${alone}`;
}

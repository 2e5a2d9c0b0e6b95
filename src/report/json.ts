/** `--json` documents: plain projections of the models, in the shapes json-shapes.ts documents. */
import type { Comparison } from '../results/compare/types.ts';
import { displayNames, headline } from '../results/headline.ts';
import type { RunResult } from '../results/model.ts';
import type { RunSummary } from '../results/summary.ts';
import type { ScenarioIssue } from '../errors.ts';
import { planNeeds } from '../scenario/needs.ts';
import { estimatePlanMs, estimateTrialMs, expandPlan } from '../scenario/plan.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';
import { emulationBanner, headlineSentences } from './headline.ts';
import { JSON_OUTPUT_VERSION, type CompareJson, type PlanJson, type RunJson, type ValidateJson } from './json-shapes.ts';

export function renderJson(document: PlanJson | ValidateJson | CompareJson | RunJson): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export interface PlanChecks {
  layout: { name: 'loopback' | 'netns' | 'cluster'; reason: string } | null;
  checks: readonly { what: string; ok: boolean; detail: string; fix: string | null }[];
}

export function planJson(scenario: ResolvedScenario, file: string, found: PlanChecks): PlanJson {
  const trials = expandPlan(scenario);
  const layout = found.layout?.name;
  const needs = planNeeds(scenario, trials, layout);
  return {
    kind: 'meshbench.plan',
    version: JSON_OUTPUT_VERSION,
    scenario: { name: scenario.name, file, platform: scenario.platform, target: scenario.target ?? null, meshes: [...scenario.meshes], repetitions: scenario.repetitions },
    trials: trials.map((t) => ({ index: t.index + 1, mesh: t.mesh, level: { ...t.level }, repetition: t.repetition })),
    estimatedMs: estimatePlanMs(scenario, trials, layout),
    perTrialMs: estimateTrialMs(scenario, layout),
    needs: { peakConnections: needs.peakConnections, peakRateRps: needs.peakRateRps, processesPerTrial: needs.processesPerTrial, fileDescriptors: needs.fileDescriptors },
    layout: found.layout ? { ...found.layout } : null,
    prerequisites: found.checks.map((c) => ({ ...c })),
    ready: found.checks.every((c) => c.ok),
  };
}

export interface ValidatedFile {
  file: string;
  trials: number | null;
  issues: readonly ScenarioIssue[];
  notes: readonly ScenarioIssue[];
}

export function validateJson(files: readonly ValidatedFile[]): ValidateJson {
  const issue = (i: ScenarioIssue) => ({ what: i.what, where: i.where, path: i.path, fix: i.fix ?? null });
  const out = files.map((f) => ({ file: f.file, valid: f.issues.length === 0, trials: f.trials, issues: f.issues.map(issue), notes: f.notes.map(issue) }));
  return { kind: 'meshbench.validate', version: JSON_OUTPUT_VERSION, valid: out.every((f) => f.valid), files: out };
}

export function compareJson(c: Comparison, exitCode: number): CompareJson {
  return {
    kind: 'meshbench.compare',
    version: JSON_OUTPUT_VERSION,
    outcome: c.outcome,
    failed: c.failed,
    exitCode,
    confidence: c.confidence,
    baseline: { ...c.baseline },
    candidate: { ...c.candidate },
    differences: c.differences.map((d) => ({ what: d.what, baseline: d.baseline, candidate: d.candidate, blocking: d.blocking })),
    waived: c.waived,
    inconclusive: c.inconclusive,
    results: c.results.map((r) => ({
      gate: r.gate.text,
      mesh: r.mesh,
      level: r.level,
      baseline: r.baseline,
      candidate: r.candidate,
      interval: r.interval ? { estimate: r.interval.estimate, low: r.interval.low, high: r.interval.high, level: r.interval.level } : null,
      verdict: r.verdict,
      note: r.note,
      smallestFirmChange: r.resolution?.smallestFirmChange ?? null,
      coarserThanThreshold: r.resolution?.coarserThanThreshold ?? false,
      sources: r.sources,
      baselineSamples: r.baselineSamples,
      candidateSamples: r.candidateSamples,
    })),
  };
}

export function runJson(result: RunResult, summary: RunSummary, resultDir: string, exitCode: number): RunJson {
  const h = headline(summary, displayNames(result));
  const estimate = <T extends { estimate: number; low: number; high: number; n: number; firm: boolean }>(e: T | null) => (e ? { estimate: e.estimate, low: e.low, high: e.high, n: e.n, firm: e.firm } : null);
  return {
    kind: 'meshbench.run',
    version: JSON_OUTPUT_VERSION,
    runId: result.runId,
    status: result.status,
    resultDir,
    exitCode,
    overrides: result.overrides ?? [],
    headline: headlineSentences(h),
    emulationBanner: emulationBanner(h),
    baselineMesh: summary.baselineMesh,
    cells: summary.cells.map((c) => ({
      mesh: c.mesh,
      meshLabel: c.meshLabel,
      level: { ...c.level },
      trials: { ...c.trials },
      p50Us: c.figures.p50,
      p99Us: c.figures.p99,
      rps: c.figures.rps,
      sidecarCpuCores: c.figures.sidecar_cpu,
      sidecarMemoryBytes: c.figures.sidecar_mem,
      // Mode bandwidth (null otherwise): what the sink received, and the proxies' cores per Gbit/s.
      throughputBitsPerSecond: c.figures.throughput_bps,
      sidecarCpuCoresPerGbps: c.figures.sidecar_cpu_per_gbps,
      nodeProxyCpuCoresPerGbps: c.figures.node_proxy_cpu_per_gbps,
      added: c.added ? { p50Us: estimate(c.added.p50Us), p99Us: estimate(c.added.p99Us), throughputChange: estimate(c.added.throughputChange), appCpuCores: estimate(c.added.appCpuCores), bandwidthChange: estimate(c.added.bandwidthChange) } : null,
    })),
  };
}

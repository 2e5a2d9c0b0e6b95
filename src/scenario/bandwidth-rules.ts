/**
 * The rules of `load.mode: bandwidth` (rules.ts runs them with the others): raw TCP to meshbench's
 * own sink, on the local platform, with no latency to gate on.
 */
import { parseGate, type GateMetric } from './gates.ts';
import type { ScenarioInput } from './schema.ts';

/** A problem with the paths it concerns, as rules.ts's RuleIssue (kept apart: rules.ts imports this file). */
interface RuleIssue {
  paths: (string | number)[][];
  what: string;
  fix: string;
}

/** Gate metrics a bandwidth trial measures; latency, request rate and error rate it does not. */
const BANDWIDTH_GATE_METRICS: readonly GateMetric[] = ['throughput_bps', 'sidecar_cpu', 'app_cpu', 'sidecar_mem'];

export function bandwidthIssues(s: ScenarioInput): RuleIssue[] {
  if (s.load.mode !== 'bandwidth') return [];
  const issues: RuleIssue[] = [];
  const mode = ['load', 'mode'];
  if (s.workload.protocol !== 'tcp') {
    issues.push({ paths: [['workload', 'protocol'], mode], what: `\`load.mode: bandwidth\` streams raw TCP to the workload's sink, and \`workload.protocol\` is \`${s.workload.protocol}\``, fix: 'set `workload.protocol: tcp`, or use `load.mode: max` to find the highest request rate' });
  }
  if (s.platform !== 'local') {
    issues.push({ paths: [['platform'], mode], what: `\`load.mode: bandwidth\` counts bytes at meshbench's own TCP sink, which only platform \`local\` runs (this scenario: \`${s.platform}\`)`, fix: 'set `platform: local`, or use `load.mode: max`' });
  }
  if (s.load.rate !== undefined) issues.push({ paths: [['load', 'rate'], mode], what: '`rate` is not used with `mode: bandwidth`: every connection writes as fast as it can', fix: 'remove `load.rate`, or set `mode: rate`' });
  if (s.load.workers > 1) issues.push({ paths: [['load', 'workers'], mode], what: '`workers` splits an open-loop rate; mode `bandwidth` does not use it', fix: 'remove `load.workers`; more `connections` drive more streams' });
  s.gates.forEach((text, i) => {
    let metric: GateMetric;
    try {
      metric = parseGate(text, `gates[${i}]`).metric;
    } catch {
      return; // rules.ts reports a gate that does not parse
    }
    if (!BANDWIDTH_GATE_METRICS.includes(metric)) {
      issues.push({ paths: [['gates', i], mode], what: `gate "${text}" judges ${metric}, which \`load.mode: bandwidth\` does not measure (no requests: latency, request rate and errors are not measured in bandwidth mode)`, fix: `gate on ${BANDWIDTH_GATE_METRICS.join(', ')} (e.g. "throughput_bps > -10%"), or use \`load.mode: max\` or \`rate\`` });
    }
  });
  return issues;
}


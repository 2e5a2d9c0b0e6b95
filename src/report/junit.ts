/** junit.xml: one testcase per trial, failed when the trial is invalid or failed, skipped when aborted. */
import type { RunResult, TrialResult } from '../results/model.ts';
import type { RunSummary } from '../results/summary.ts';
import { escapeXml } from './escape.ts';
import { trialMetric } from '../results/metrics.ts';
import { formatBitsPerSecond, formatSignedUs } from './format.ts';
import { formatEstimate } from './verdict.ts';

function body(t: TrialResult): string {
  switch (t.status) {
    case 'valid':
      if (t.load.bandwidth) {
        const bps = (m: 'throughput_bps' | 'sent_bps') => {
          const v = trialMetric(t, m);
          return v === null ? '–' : formatBitsPerSecond(v);
        };
        return `<system-out>${escapeXml(`${bps('throughput_bps')} received by the TCP sink, ${bps('sent_bps')} sent over ${t.load.bandwidth.connections} connection(s); latency not measured in bandwidth mode`)}</system-out>`;
      }
      return `<system-out>p50 ${t.latency.p50Us} µs, p99 ${t.latency.p99Us ?? '–'} µs, p99 of all attempts ${t.allAttemptsLatency.p99Us ?? '–'} µs, ${t.load.achievedRps.toFixed(1)} rps completed</system-out>`;
    case 'invalid':
      return `<failure message="invalid trial" type="invalid">${escapeXml(t.reasons.join('; '))}</failure>`;
    case 'failed':
      return `<error message="${escapeXml(`failed in ${t.stage}`)}" type="failed">${escapeXml(`${t.error.what}${t.error.fix ? ` (hint: ${t.error.fix})` : ''}`)}</error>`;
    case 'aborted':
      return `<skipped message="${escapeXml(`aborted during ${t.stage}`)}"/>`;
  }
}

/** What each mesh adds over the baseline, as information for CI (never a failure: gates judge). */
function addedCases(summary: RunSummary): string[] {
  return summary.cells.flatMap((c) => {
    if (!c.added) return [];
    const text = summary.bandwidth
      ? `Bandwidth change ${formatEstimate(c.added.bandwidthChange, (v) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}%`, summary.minFirmPairs)}; latency not measured in bandwidth mode`
      : `P50 added ${formatEstimate(c.added.p50Us, formatSignedUs, summary.minFirmPairs)}; P99 added ${formatEstimate(c.added.p99Us, formatSignedUs, summary.minFirmPairs)}`;
    return [`    <testcase classname="meshbench.added.${escapeXml(c.mesh)}" name="${escapeXml(`${c.mesh} ${c.level.id}: added over ${summary.baselineMesh}`)}"><system-out>${escapeXml(text)}</system-out></testcase>`];
  });
}

export function renderJunit(result: RunResult, summary: RunSummary): string {
  const count = (s: TrialResult['status']) => result.trials.filter((t) => t.status === s).length;
  const cases = result.trials.map((t) => {
    const name = escapeXml(`trial ${t.trial.index + 1}: ${t.trial.mesh} ${t.trial.level.id} rep ${t.trial.repetition}`);
    return `    <testcase classname="meshbench.trial.${escapeXml(t.trial.mesh)}" name="${name}">${body(t)}</testcase>`;
  });
  const added = addedCases(summary);
  const tests = result.trials.length + added.length;
  const suite = `name="${escapeXml(`meshbench trials: ${result.scenario.name}`)}" tests="${tests}" failures="${count('invalid')}" errors="${count('failed')}" skipped="${count('aborted')}"`;
  // What a reader must know (simulated pods, averaged figures) as suite properties CI views show.
  const properties = result.environment.caveats.length ? ['    <properties>', ...result.environment.caveats.map((c) => `      <property name="caveat" value="${escapeXml(c)}"/>`), '    </properties>'] : [];
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="meshbench" ${suite.replace(/^name="[^"]*" /, '')}>`, `  <testsuite ${suite} timestamp="${escapeXml(result.startedAt)}">`, ...properties, ...cases, ...added, '  </testsuite>', '</testsuites>', ''].join('\n');
}

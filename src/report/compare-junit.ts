/**
 * The comparison as JUnit XML, as CI systems read it: one testcase per gate and cell. A failing
 * verdict is a failure; an inconclusive one is skipped with its reason (never a silent pass),
 * unless --inconclusive fail makes it a failure.
 */
import type { Comparison } from '../results/compare/index.ts';
import { escapeXml } from './escape.ts';
import { formatInterval, formatMetricValue, formatStatistic, resolutionInWords } from './compare-format.ts';

export function renderComparisonJunit(c: Comparison): string {
  const failing = (v: string) => v === 'regression' || v === 'no-data' || (v === 'inconclusive' && c.inconclusive === 'fail');
  const skipped = (v: string) => v === 'inconclusive' && c.inconclusive === 'pass';
  const cases = c.results.map((r) => {
    const name = escapeXml(`${r.mesh} ${r.level}: ${r.gate.text}`);
    const said = [r.note, resolutionInWords(r)].filter(Boolean).join('; ');
    const detail = escapeXml(
      `baseline ${formatMetricValue(r.gate.metric, r.baseline)} (${r.sources.baseline}), candidate ${formatMetricValue(r.gate.metric, r.candidate)} (${r.sources.candidate}), change ${r.interval ? formatStatistic(r, r.interval.estimate) : '–'}, interval ${formatInterval(r)}${said ? `; ${said}` : ''}`,
    );
    const body = failing(r.verdict)
      ? `<failure message="${escapeXml(r.verdict)}" type="${escapeXml(r.verdict)}">${detail}</failure>`
      : skipped(r.verdict)
        ? `<skipped message="inconclusive: ${detail}"/>`
        : `<system-out>${detail}</system-out>`;
    return `    <testcase classname="meshbench.gate.${escapeXml(r.mesh)}" name="${name}">${body}</testcase>`;
  });
  const failures = c.results.filter((r) => failing(r.verdict)).length;
  const skips = c.results.filter((r) => skipped(r.verdict)).length;
  const suite = escapeXml(`meshbench gates: ${c.candidate.scenarioName}`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="meshbench" tests="${c.results.length}" failures="${failures}" skipped="${skips}">`,
    `  <testsuite name="${suite}" tests="${c.results.length}" failures="${failures}" errors="0" skipped="${skips}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

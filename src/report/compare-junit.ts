/** The comparison as JUnit XML: one testcase per gate and cell, as CI systems read it. */
import type { Comparison } from '../results/compare/index.ts';
import { escapeXml } from './escape.ts';
import { formatInterval, formatMetricValue, formatStatistic } from './compare-format.ts';

export function renderComparisonJunit(c: Comparison): string {
  const failing = (v: string) => v === 'regression' || (v === 'inconclusive' && c.inconclusive === 'fail');
  const cases = c.results.map((r) => {
    const name = escapeXml(`${r.mesh} ${r.level}: ${r.gate.text}`);
    const detail = escapeXml(
      `baseline ${formatMetricValue(r.gate.metric, r.baseline)}, candidate ${formatMetricValue(r.gate.metric, r.candidate)}, change ${r.interval ? formatStatistic(r, r.interval.estimate) : '–'}, 95% interval ${formatInterval(r)}${r.note ? `; ${r.note}` : ''}`,
    );
    const body = failing(r.verdict)
      ? `<failure message="${escapeXml(r.verdict)}" type="${escapeXml(r.verdict)}">${detail}</failure>`
      : r.verdict === 'inconclusive'
        ? `<system-out>inconclusive (counted as pass): ${detail}</system-out>`
        : `<system-out>${detail}</system-out>`;
    return `    <testcase classname="meshbench.gate.${escapeXml(r.mesh)}" name="${name}">${body}</testcase>`;
  });
  const failures = c.results.filter((r) => failing(r.verdict)).length;
  const suite = escapeXml(`meshbench gates: ${c.candidate.scenarioName}`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="meshbench" tests="${c.results.length}" failures="${failures}">`,
    `  <testsuite name="${suite}" tests="${c.results.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

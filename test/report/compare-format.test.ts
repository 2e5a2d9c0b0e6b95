/** The resolution line: it says how fine the run was, and only an inconclusive verdict hears "cannot detect". */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolutionInWords } from '../../src/report/compare-format.ts';
import type { GateResult } from '../../src/results/compare/types.ts';
import { parseGate } from '../../src/scenario/gates.ts';

const result = (verdict: GateResult['verdict']): GateResult => ({
  gate: parseGate('istio:p50 < appmesh:p50 * 1.10', 'test'),
  mesh: 'istio',
  level: 'c4-r200',
  baseline: 1_000,
  candidate: 3_364,
  interval: { estimate: 2.36, low: 2.09, high: 2.91, level: 0.984 },
  confidence: 0.95,
  verdict,
  note: null,
  baselineSamples: 1,
  candidateSamples: 7,
  resolution: { smallestFirmChange: 0.546, coarserThanThreshold: true, suggestedRepetitions: 210 },
  sources: { baseline: 'appmesh from imported', candidate: 'istio from this run' },
});

test('a firm verdict says the smallest change the run could call firm, without "cannot detect" or more repetitions', () => {
  for (const verdict of ['regression', 'pass'] as const) {
    const line = resolutionInWords(result(verdict))!;
    assert.match(line, /^the smallest change this run could call firm: ±54\.6%$/, verdict);
  }
});

test('an inconclusive verdict says what the run cannot detect and how many repetitions would', () => {
  assert.is(resolutionInWords(result('inconclusive')), 'this run cannot detect a 10.0% change; it could detect ±54.6%: use about 210 repetitions or more');
});

test.run();

/** Axes of the report's SVG charts: a linear one with round ticks, and a log one for latency. */
import { formatUs } from '../format.ts';

export interface Axis {
  /** Position of a value between 0 (bottom) and 1 (top); values outside the axis are clamped. */
  at(value: number): number;
  ticks: { value: number; label: string }[];
}

/** 0 .. a round maximum at or above every value, in 4-6 round steps (0, 0.05, 0.1, ... not 0.625). */
export function linearAxis(values: readonly number[], format: (v: number) => string): Axis {
  const top = Math.max(0, ...values);
  if (top <= 0) return { at: (v) => Math.min(1, Math.max(0, v)), ticks: [0, 1].map((value) => ({ value, label: format(value) })) };
  const rough = top / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  const max = Math.ceil(top / step - 1e-9) * step;
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => ({ value: i * step, label: format(i * step) }));
  return { at: (v) => Math.min(1, Math.max(0, v / max)), ticks };
}

/**
 * Latency in µs on a log axis fitted to the data: from the decade step (1, 2, 5) below the least
 * value to the one above the largest, so a 300 µs P50 and a 40 ms P99.99 are both readable.
 */
export function logLatencyAxis(valuesUs: readonly number[]): Axis {
  const positive = valuesUs.filter((v) => v > 0);
  const lowest = positive.length ? Math.min(...positive) : 1;
  const highest = positive.length ? Math.max(...positive) : 1000;
  const steps: number[] = [];
  for (let decade = 10 ** Math.floor(Math.log10(lowest)); decade <= highest * 10; decade *= 10) for (const m of [1, 2, 5]) steps.push(m * decade);
  const lo = [...steps].reverse().find((s) => s <= lowest) ?? steps[0]!;
  let hi = steps.find((s) => s >= highest) ?? steps[steps.length - 1]!;
  if (hi <= lo) hi = steps[steps.indexOf(lo) + 1] ?? lo * 2;
  const inRange = steps.filter((s) => s >= lo && s <= hi);
  // Past about three decades, 1-2-5 labels crowd: keep the decades, and the ends unless a decade
  // sits within half a decade of them (50 µs beside 100 µs overprinted).
  const near = (a: number, b: number) => Math.abs(Math.log10(a) - Math.log10(b)) < 0.5;
  const shown = inRange.length > 8 ? inRange.filter((s, i) => (i === 0 || i === inRange.length - 1 ? !inRange.some((d) => d !== s && Math.log10(d) % 1 === 0 && near(d, s)) || Math.log10(s) % 1 === 0 : Math.log10(s) % 1 === 0)) : inRange;
  const span = Math.log10(hi) - Math.log10(lo);
  return {
    at: (v) => Math.min(1, Math.max(0, (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span)),
    ticks: shown.map((value) => ({ value, label: formatUs(value) })),
  };
}

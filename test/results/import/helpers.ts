/** Shared by the import tests: fixture paths and "within one HDR bucket" as the issue words it. */
import { readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import type { JsHistogram } from 'hdr-histogram-js';
import type { Histogram } from '../../../src/results/histogram.ts';
import { fixture } from '../../helpers.ts';

export const interop = (name: string) => fixture(`interop/${name}`);
export const readInterop = (name: string) => readFileSync(interop(name), 'utf8');

/** The width of the HDR bucket (3 significant digits) that holds `valueUs`. */
export function bucketWidthUs(h: Histogram, valueUs: number): number {
  return (h as JsHistogram).sizeOfEquivalentValueRange(valueUs);
}

/**
 * `printStepUs`: the step of the printed figure (wrk2 prints "1.03ms", a 10 µs step), whose
 * rounding (half a step) comes on top of the bucket.
 */
export function assertWithinOneBucket(h: Histogram, gotUs: number, printedUs: number, what: string, printStepUs = 0): void {
  const width = bucketWidthUs(h, printedUs);
  const allowed = width + printStepUs / 2;
  assert.ok(Math.abs(gotUs - printedUs) <= allowed, `${what}: imported ${gotUs} µs, the tool printed ${printedUs} µs (one bucket there is ${width} µs, printing rounds by ${printStepUs / 2} µs)`);
}

/**
 * The value at rank `rank` (1-based) of `h`, through getValueAtPercentile: HdrHistogram rounds the
 * rank p × N up, so asking for (rank − ½) / N lands exactly on `rank`.
 */
export function valueAtRankUs(h: Histogram, rank: number): number {
  return h.getValueAtPercentile((100 * (rank - 0.5)) / h.totalCount);
}

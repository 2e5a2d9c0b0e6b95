/** Go-style duration strings ("500ms", "30s", "1m30s", "250us") as the scenario file writes them. */
const unitUs = { us: 1, µs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 } as const;
type Unit = keyof typeof unitUs;

export const DURATION_PATTERN = /^(\d+(\.\d+)?(us|µs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/g;

export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text);
}

/** Microseconds in a duration string; the caller has checked it with {@link isDuration}. */
export function parseDurationUs(text: string): number {
  if (!isDuration(text)) throw new RangeError(`not a duration: ${JSON.stringify(text)}`);
  let totalUs = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    totalUs += Number(amount) * unitUs[unit as Unit];
  }
  return Math.round(totalUs);
}

export function parseDurationMs(text: string): number {
  return parseDurationUs(text) / 1_000;
}

/** Human form of a millisecond count, for plans and progress ("2m05s", "12s", "450ms"). */
export function formatDurationMs(durationMs: number): string {
  if (durationMs < 1_000) return `${Math.round(durationMs)}ms`;
  const totalS = Math.round(durationMs / 1_000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

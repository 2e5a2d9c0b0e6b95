/**
 * Faults the sample service can inject on a timetable, to prove what a run does when the target
 * misbehaves: `reset` answers every request with a TCP RST for a while (a crashed upstream, a
 * proxy dropping connections), `errors` answers a fraction of requests with HTTP 503 (a 5xx burst).
 * Times count from the first request the service sees (the warmup's first), as `stall` does, so a
 * scenario can place a fault inside the measured window.
 */

export const FAULT_KINDS = ['reset', 'errors'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface WorkloadFault {
  kind: FaultKind;
  /** From the first request to the start of the fault. */
  afterMs: number;
  forMs: number;
  /** `errors`: the fraction of requests answered 503 during the fault (spread evenly). */
  rate?: number;
}

/** What the service does with one request. */
export type FaultAction = 'reset' | 'error' | null;

/** Decides, request by request, whether a fault is on and what it does to this request. */
export class FaultClock {
  private readonly faults: readonly WorkloadFault[];
  private readonly counts: number[];
  private firstRequestMs: number | undefined;

  constructor(faults: readonly WorkloadFault[]) {
    this.faults = faults;
    this.counts = faults.map(() => 0);
  }

  action(nowMs: number): FaultAction {
    if (this.faults.length === 0) return null;
    this.firstRequestMs ??= nowMs;
    const sinceMs = nowMs - this.firstRequestMs;
    for (let i = 0; i < this.faults.length; i++) {
      const f = this.faults[i]!;
      if (sinceMs < f.afterMs || sinceMs >= f.afterMs + f.forMs) continue;
      if (f.kind === 'reset') return 'reset';
      // Evenly spread, as `errorRate` is: the n-th request fails when floor(n * rate) steps up.
      const n = this.counts[i]!++;
      const rate = f.rate ?? 1;
      if (Math.floor((n + 1) * rate) > Math.floor(n * rate)) return 'error';
    }
    return null;
  }
}

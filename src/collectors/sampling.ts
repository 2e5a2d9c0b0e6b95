/**
 * The sampling loop every collector shares: one read every interval, reads strictly one after
 * another (a slow read never interleaves with the next or with the window's end), the first
 * error held until the window ends.
 */
export interface Sampling {
  /** Stops without a last read (the trial failed or was aborted). */
  cancel(): void;
  /** Stops, takes the last read at the window's edge, and throws the first error of any read. */
  finish(): Promise<void>;
}

export function startSampling(take: () => Promise<void>, intervalMs: number): Sampling {
  let sampleError: unknown;
  let sampling = Promise.resolve();
  const sample = () => (sampling = sampling.then(take));
  const timer = setInterval(() => void sample().catch((e: unknown) => (sampleError ??= e)), intervalMs);
  timer.unref();
  return {
    cancel: () => clearInterval(timer),
    finish: async () => {
      clearInterval(timer);
      await sample().catch((e: unknown) => (sampleError ??= e));
      if (sampleError) throw sampleError;
    },
  };
}

/** Display of history figures, by the unit their series is in. */
import type { HistoryMetric } from '../../results/history/index.ts';
import { HISTORY_METRICS } from '../../results/history/index.ts';
import { formatCores, formatMiB, formatRps, formatUs } from '../format.ts';

export function formatterFor(metric: HistoryMetric): (v: number) => string {
  switch (HISTORY_METRICS[metric].unit) {
    case 'us':
      return (v) => (v < 0 ? `−${formatUs(-v)}` : formatUs(v));
    case 'rps':
      return (v) => formatRps(v);
    case 'cores_per_krps':
      return (v) => formatCores(v);
    case 'bytes':
      return (v) => formatMiB(v);
  }
}

export const signed = (format: (v: number) => string) => (v: number) => (v >= 0 ? `+${format(v)}` : `−${format(-v)}`);

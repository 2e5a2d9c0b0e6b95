/** Display units: the only place µs become ms and fractions become percentages. */
export function formatUs(us: number): string {
  if (Math.abs(us) < 1_000) return `${Math.round(us)} µs`;
  return `${(us / 1_000).toFixed(Math.abs(us) < 10_000 ? 2 : 1)} ms`;
}

export function formatSignedUs(us: number): string {
  return `${us >= 0 ? '+' : '−'}${formatUs(Math.abs(us))}`;
}

export function formatPercentChange(fraction: number): string {
  const pct = fraction * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
}

export function formatCores(cores: number): string {
  return cores.toFixed(cores < 0.1 ? 3 : 2);
}

export function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Bandwidth in decimal units, as iperf3 prints it: "9.41 Gbit/s". */
export function formatBitsPerSecond(bps: number): string {
  const [unit, per] = Math.abs(bps) >= 1e9 ? ['Gbit/s', 1e9] : Math.abs(bps) >= 1e6 ? ['Mbit/s', 1e6] : ['kbit/s', 1e3];
  const v = bps / per;
  return `${v.toFixed(Math.abs(v) < 10 ? 2 : 1)} ${unit}`;
}

export function formatRps(rps: number): string {
  return rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1);
}

/** A plain-text table with right-aligned numbers, for terminals and logs. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

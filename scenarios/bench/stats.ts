// Pure statistics for the benchmark and the load tool: nearest-rank percentiles and rates.

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending-sorted values (p in 0..100); NaN for an empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/** Events per second; 0 when nothing happened or no time passed. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 && count > 0 ? (count * 1000) / ms : 0;
}

/** Rounds for reports: 3 significant digits above 1, else 3 decimals. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000;
}

/** CPU-seconds (or any cost) per 1,000 units of work, by name; no work measured is an error, not a zero. */
export function per1000(cost: Readonly<Record<string, number>>, units: number): Record<string, number> {
  if (!(units > 0)) throw new RangeError(`per 1000: no work measured (${units} units)`);
  return Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, (v / units) * 1000]));
}

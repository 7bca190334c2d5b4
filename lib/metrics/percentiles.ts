// Nearest-rank percentiles (the value at rank ceil(p/100 × n) of the sorted sample): every reported
// number is a duration some job really had.

export type Percentiles = { count: number; p50: number | null; p95: number | null; p99: number | null };

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function percentilesOf(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

// Sampler and retention settings from the environment, plus the chart ranges the API accepts.
import { z } from 'zod';

/** DROVER_SAMPLE_INTERVAL_MS (default 10 000): how often the sampler records queue counts. */
export function sampleIntervalMs(): number {
  const n = Number(process.env.DROVER_SAMPLE_INTERVAL_MS);
  return Number.isFinite(n) && n >= 50 ? Math.floor(n) : 10_000;
}

/** DROVER_METRICS_RETENTION_DAYS (default 7): how long 1-minute points are kept. */
export function retentionDays(): number {
  const n = Number(process.env.DROVER_METRICS_RETENTION_DAYS);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 365) : 7;
}

/** 10 s points are kept for one day; older data exists only as 1-minute points. */
export const FINE_RETENTION_MS = 24 * 3600_000;

export const RANGES = {
  '1h': { ms: 3600_000, resolution: '10s' },
  '6h': { ms: 6 * 3600_000, resolution: '10s' },
  '24h': { ms: 24 * 3600_000, resolution: '1m' },
  '7d': { ms: 7 * 24 * 3600_000, resolution: '1m' },
} as const;
export type MetricsRange = keyof typeof RANGES;
export const rangeSchema = z.enum(Object.keys(RANGES) as [MetricsRange, ...MetricsRange[]]);

/** The most points one read returns per series: 7 days of 1-minute points (6 h of 10 s points is 2,160). */
export const MAX_POINTS = 10_080;

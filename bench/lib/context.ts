// What every benchmark phase gets: the Redis under test, both HTTP clients, settings and helpers.
import type { Redis } from 'ioredis';
import type { HttpClient } from './http';
import type { Row } from './report';
import type { Summary } from './stats';

export type BenchContext = {
  redis: Redis;
  redisUrl: string;
  redisPort: number;
  /** Drover's /api/v1 with the bearer token */
  drover: HttpClient;
  droverPid: number;
  auth: Record<string, string>;
  /** Bull Board's /api */
  peer: HttpClient;
  warmup: number;
  log: (line: string) => void;
  /** redis-server CPU time (user + sys) so far, in ms */
  redisCpuMs: () => Promise<number>;
};

export const round = (v: number, digits = 2) => Number(v.toFixed(digits));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A row without a peer: `value` (in `unit`) is what the target applies to. */
export function droverOnlyRow(opts: {
  operation: string;
  value: number;
  unit: string;
  target: number | null;
  summary?: Summary;
  notes?: string;
}): Row {
  return {
    operation: opts.operation,
    drover_p50_ms: opts.summary ? round(opts.summary.p50) : null,
    drover_p95_ms: opts.summary ? round(opts.summary.p95) : null,
    peer_p50_ms: null,
    peer_p95_ms: null,
    ratio: opts.value,
    target: opts.target,
    unit: opts.unit,
    ...(opts.summary ? { samples: { drover: opts.summary.n } } : {}),
    ...(opts.notes ? { notes: opts.notes } : {}),
  };
}

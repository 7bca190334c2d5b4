// The metrics sampler's data (lib/metrics): per queue, a 10 s series and a 1-minute series of depth
// samples, and the lease that lets one console instance sample at a time. Redis: streams and a key
// with a TTL (Lua kept in lib/metrics/lua); PostgreSQL: drover.metric_sample and drover.lease.
import 'server-only';
import { consolePart } from './part';
import type { DepthPoint } from '@/lib/metrics/sample';
import { RedisSampleStore, RedisSamplerLease } from '@/lib/store/redis/console/samples';
import { PostgresSampleStore, PostgresSamplerLease } from '@/lib/store/postgres/console/samples';

export type SampleResolution = '10s' | '1m';

/** One queue's sample: its encoded fields (lib/metrics/sample.ts encodeSample). */
export type QueueSample = { conn: string; queue: string; fields: Array<string | number> };

export type SampleRetention = {
  /** 10 s points older than this (ms) go */
  keepFineFrom: number;
  /** 1-minute points older than this (ms) go */
  keepMinuteFrom: number;
  /** how long a series outlives its last sample (ms) */
  fineTtlMs: number;
  minuteTtlMs: number;
};

export interface SampleStore {
  /**
   * Appends each queue's sample at `now` (a sample not newer than its queue's last is dropped); when it
   * opens a new minute, the previous sample becomes the closed minute's 1-minute point. Returns how
   * many were appended.
   */
  append(samples: QueueSample[], now: number, retention: SampleRetention): Promise<number>;
  /** At most `limit` points of one series within [from, to], oldest first: the newest ones, or the oldest ones. */
  points(conn: string, queue: string, res: SampleResolution, range: { from: number; to?: number }, limit: number, end: 'newest' | 'oldest'): Promise<DepthPoint[]>;
}

/** The sampler's lease: one holder at a time, until it stops renewing. Times are the store's clock. */
export interface SamplerLease {
  /** Takes the lease if no one holds it (or its holder's time ran out). */
  take(holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease if `holder` still holds it. */
  renew(holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it. */
  release(holder: string): Promise<void>;
}

export const sampleStore = consolePart<SampleStore>({
  redis: (conn) => new RedisSampleStore(conn),
  postgres: (conn) => new PostgresSampleStore(conn.drover),
});

export const samplerLease = consolePart<SamplerLease>({
  redis: (conn) => new RedisSamplerLease(conn),
  postgres: (conn) => new PostgresSamplerLease(conn.drover),
});

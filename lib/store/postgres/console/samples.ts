// Metric samples in drover.metric_sample (one row per point: connection, queue, resolution 10 or 60,
// time, encoded fields) and the sampler's lease in drover.lease. An append is one statement for every
// queue, under a transaction advisory lock so two samplers racing cannot reorder a series; retention
// deletes a bounded batch per resolution in the same transaction.
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import { decodeSample, type DepthPoint } from '@/lib/metrics/sample';
import type { QueueSample, SampleResolution, SampleRetention, SampleStore, SamplerLease } from '@/lib/store/console/samples';
import * as SQL from './samples-sql';

/** Points past their retention deleted per resolution and append at most. */
export const SAMPLE_RETENTION_BATCH = 5000;
const SAMPLER_LEASE = 'metrics-sampler';

const resSeconds = (res: SampleResolution) => (res === '10s' ? 10 : 60);

export class PostgresSampleStore implements SampleStore {
  constructor(private readonly db: DroverDb) {}

  async append(all: QueueSample[], now: number, r: SampleRetention): Promise<number> {
    // PostgreSQL text cannot hold NUL: a Redis queue whose name has one (any bytes make a key) gets no
    // depth series here, rather than failing the one statement that appends every queue's sample.
    const samples = all.filter((s) => !s.queue.includes('\u0000'));
    if (samples.length === 0) return 0;
    return this.db.tx(
      async (query) => {
        const appended = await query(SQL.APPEND, [samples.map((s) => s.conn), samples.map((s) => s.queue), samples.map((s) => JSON.stringify(s.fields.map(String))), now]);
        await query(SQL.DELETE_OLD, [10, r.keepFineFrom, SAMPLE_RETENTION_BATCH]);
        await query(SQL.DELETE_OLD, [60, r.keepMinuteFrom, SAMPLE_RETENTION_BATCH]);
        return appended.rowCount ?? 0;
      },
      ['drover.metric_sample.append'],
    );
  }

  async points(conn: string, queue: string, res: SampleResolution, range: { from: number; to?: number }, limit: number, end: 'newest' | 'oldest'): Promise<DepthPoint[]> {
    const rows = await this.db.rows<{ t: string; sample: string }>(end === 'oldest' ? SQL.OLDEST_POINTS : SQL.NEWEST_POINTS, [conn, queue, resSeconds(res), range.from, range.to ?? null, limit]);
    if (end === 'newest') rows.reverse();
    return rows.map((row) => decodeSample(row.t, JSON.parse(row.sample) as string[]));
  }
}

export class PostgresSamplerLease implements SamplerLease {
  constructor(private readonly db: DroverDb) {}

  async take(holder: string, ttlMs: number): Promise<boolean> {
    return (await this.db.rows(SQL.TAKE_LEASE, [SAMPLER_LEASE, holder, ttlMs])).length === 1;
  }

  async renew(holder: string, ttlMs: number): Promise<boolean> {
    return (await this.db.run(SQL.RENEW_LEASE, [SAMPLER_LEASE, holder, ttlMs])) === 1;
  }

  async release(holder: string): Promise<void> {
    await this.db.run(SQL.RELEASE_LEASE, [SAMPLER_LEASE, holder]);
  }
}

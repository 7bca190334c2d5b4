// The PostgreSQL side of the actions seam: BullMQ's PostgreSQL backend does the moves (retry_jobs,
// promote_jobs and clean, each bounded by a count per call); Drover's SQL (./actions-sql.ts) only reads.
import 'server-only';
import type { QueryResultRow } from 'pg';
import type { Connection } from '@/lib/redis/connections';
import { NotOnThisStoreError } from '@/lib/errors';
import type { ActionsStore, CleanableState, CountableState, OnBatch } from '../actions-store';
import * as SQL from './actions-sql';

/** Jobs per BullMQ batch call (one statement each, under the pool's statement_timeout). */
const BATCH = 1000;
/**
 * Jobs per retry_jobs call. BullMQ's function cannot use its partial index there (a text→enum cast the
 * planner does not fold), so every call scans the job table: fewer, larger calls. Measured on 330,000
 * jobs (vacuumed), retrying 30,000 failed: 1,000 per call 1.8–2.6 s (31 calls, ≤ 111 ms each), 10,000
 * per call 0.7–0.8 s (4 calls, ≤ 269 ms each) — well inside the statement time-out.
 */
export const RETRY_BATCH = 10_000;

/**
 * Calls one BullMQ batch function until a call moves fewer than `batch` jobs (BullMQ's PostgreSQL
 * functions answer how many they moved), reporting the running total after each call.
 */
async function inBatches(batch: number, call: () => Promise<number>, onBatch: OnBatch): Promise<number> {
  let done = 0;
  for (;;) {
    const moved = await call();
    done += moved;
    await onBatch(done);
    if (moved < batch) return done;
  }
}

export class PostgresActions implements ActionsStore {
  constructor(private readonly conn: Connection) {}

  private async queue(queue: string) {
    await this.conn.pgReady();
    return this.conn.queue(queue);
  }

  private rows<R extends QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return this.conn.pgRows<R>(text, values);
  }

  async stateCount(queue: string, state: CountableState): Promise<number> {
    const [row] = await this.rows<{ total: string }>(SQL.stateCountSql(state), [queue]);
    return Number(row?.total ?? 0);
  }

  /** BullMQ's retry_jobs answers how many it moved (the Redis script answers a cursor): it is summed. */
  async retryFinishedJobs(queue: string, state: 'failed' | 'completed', timestamp: number, onBatch: OnBatch): Promise<number> {
    const q = await this.queue(queue);
    return inBatches(RETRY_BATCH, async () => q.backend.retryFinishedJobs(state, RETRY_BATCH, timestamp), onBatch);
  }

  async promoteDelayedJobs(queue: string, onBatch: OnBatch): Promise<number> {
    const q = await this.queue(queue);
    return inBatches(BATCH, () => q.backend.promoteJobs(BATCH), onBatch);
  }

  /**
   * BullMQ's clean filters by age before its limit (delayed and prioritized by the time they were added,
   * finished jobs by finish time, scheduler jobs kept), so each batch removes only old jobs and a batch
   * short of the limit is the last.
   */
  async cleanState(queue: string, state: CleanableState, cutoff: number, onBatch: OnBatch): Promise<number> {
    const q = await this.queue(queue);
    return inBatches(BATCH, async () => (await q.backend.cleanJobsByState(state, cutoff, BATCH)).length, onBatch);
  }

  /**
   * BullMQ's PostgreSQL backend fails only active jobs (its move_to_failed refuses any other state with
   * code -3, and moveToActive takes the queue's next job, not a chosen one); Drover changes BullMQ's
   * tables only through BullMQ, so it does not port its Redis fail script as SQL.
   */
  async failUnstartedJob(): Promise<number> {
    throw new NotOnThisStoreError(
      this.conn.name,
      'Failing a job that is not running (BullMQ’s PostgreSQL backend fails only active jobs, and Drover changes BullMQ’s tables only through BullMQ; remove the job instead)',
    );
  }
}

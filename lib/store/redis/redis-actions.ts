// The Redis side of the actions seam: BullMQ's Lua-backed batch calls and Drover's fail script
// (lib/redis/lua/fail-job-1.ts).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { scoreChunks } from '@/lib/dlq/score-walk';
import type { ActionsStore, CleanableState, CountableState, OnBatch } from '../actions-store';

/** Jobs per BullMQ batch call. */
const BATCH = 1000;

/** The job times BullMQ's cleanSet compares with the cut-off, first one set wins (includes/cleanJobsInSet). */
const AGE_FIELDS = { delayed: ['processedOn', 'timestamp'], prioritized: ['timestamp'] } as const;

const LISTS: ReadonlySet<CountableState> = new Set(['wait', 'active']);

export class RedisActions implements ActionsStore {
  constructor(private readonly conn: Connection) {}

  async stateCount(queue: string, state: CountableState): Promise<number> {
    const key = this.conn.key(queue, state);
    return LISTS.has(state) ? this.conn.redis.llen(key) : this.conn.redis.zcard(key);
  }

  /** BullMQ's moveJobsToWait answers a cursor, not a count: progress is read from the set's size. */
  async retryFinishedJobs(queue: string, state: 'failed' | 'completed', timestamp: number, onBatch: OnBatch): Promise<number> {
    const q = this.conn.queue(queue);
    const total = await this.stateCount(queue, state);
    let done = 0;
    let cursor = 0;
    do {
      cursor = await q.backend.retryFinishedJobs(state, BATCH, timestamp);
      done = total - (await this.stateCount(queue, state));
      await onBatch(done);
    } while (cursor);
    return done;
  }

  async promoteDelayedJobs(queue: string, onBatch: OnBatch): Promise<number> {
    const q = this.conn.queue(queue);
    const total = await this.stateCount(queue, 'delayed');
    let done = 0;
    let cursor = 0;
    do {
      cursor = await q.backend.promoteJobs(BATCH);
      done = total - (await this.stateCount(queue, 'delayed'));
      await onBatch(done);
    } while (cursor);
    return done;
  }

  /**
   * Not BullMQ's clean() in one go (one unbounded script), nor its batched form alone for delayed and
   * prioritized: cleanJobsInSet looks only at the first `limit` members in score order (run time,
   * priority), not age order, so a window of newer jobs hides every older one behind it.
   * completed / failed / wait: BullMQ's cleanJobsByState in batches until one removes nothing (finished
   * sets are walked by finishedOn, so every batch removes what it reads; wait is the list's oldest end).
   * delayed / prioritized: walked by score, each batch's times read in one pipeline, the old ones removed
   * with BullMQ's own removal (concurrent calls, pipelined on the connection).
   */
  async cleanState(queue: string, state: CleanableState, cutoff: number, onBatch: OnBatch): Promise<number> {
    const conn = this.conn;
    const q = conn.queue(queue);
    let removed = 0;
    if (state !== 'delayed' && state !== 'prioritized') {
      for (;;) {
        const ids = await q.backend.cleanJobsByState(state, cutoff, BATCH);
        removed += ids.length;
        await onBatch(removed);
        // Until a batch removes nothing: BullMQ skips scheduler jobs and newer ones inside its window.
        if (ids.length === 0) return removed;
      }
    }
    const fields = AGE_FIELDS[state];
    const range = { key: conn.key(queue, state), order: 'asc', from: '-inf', to: '+inf' } as const;
    for await (const { entries } of scoreChunks(conn.redis, range, BATCH)) {
      const pipeline = conn.redis.pipeline();
      for (const { id } of entries) pipeline.hmget(conn.key(queue, id), ...fields);
      const times = (await pipeline.exec()) ?? [];
      const old = entries.filter((_, i) => {
        const [err, values] = times[i] as [Error | null, Array<string | null>];
        if (err) throw err;
        const at = values.find((v) => v !== null);
        // No time at all counts as old, as in BullMQ's cleanSet.
        return at === undefined || Number(at) <= cutoff;
      });
      const outcomes = await Promise.allSettled(old.map(({ id }) => q.remove(id, { removeChildren: false })));
      for (const o of outcomes) {
        if (o.status === 'fulfilled') removed += o.value === 1 ? 1 : 0;
        // -8: the current job of a job scheduler (BullMQ's clean skips it too).
        else if ((o.reason as { code?: unknown })?.code !== -8) throw o.reason;
      }
      await onBatch(removed);
    }
    return removed;
  }

  async failUnstartedJob(queue: string, id: string, reason: string): Promise<number> {
    return this.conn.redis.droverFailJob(this.conn.queuePrefix(queue), id, reason, Date.now(), 10_000);
  }
}

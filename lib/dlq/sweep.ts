// The bounded background work of the DLQ: the capture sweep (failed jobs not captured yet — their
// worker died between BullMQ's move to failed and the capture) and retention (dangling index entries,
// age, count). The worker runtime runs both at start and periodically; the console runs retention
// after its own captures.
import type { Retention, RetentionResult, SweepResult } from '@/lib/store/dead-letter-store';
import { captureJobsById, dlqIndexBase, dlqKeyPrefix, type CaptureOptions, type CaptureResult, type DeadLetterTarget } from './capture';
import { removeEnvelopes } from './remove-envelopes';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { dlqUnindexMissingScript } from './lua/dlq-unindex-missing-1';
import { scoreChunks, type ScoreCursor } from './score-walk';

export type { Retention, SweepResult };
export const DEFAULT_RETENTION: Retention = { maxAgeDays: 30, maxCount: 100_000 };

/**
 * Watermarks are finishedOn times that come from each worker's clock: look this far behind the mark,
 * so a job finished by a worker whose clock is a little behind is not skipped. Re-reading a minute of
 * already captured jobs costs one HMGET each (their marker says "done").
 */
const WATERMARK_LOOKBACK_MS = 60_000;

/**
 * Captures the failed jobs of `queue` that finished since the queue's watermark, in batches, until it
 * has caught up or looked at `maxJobs`. Walks by score (finishedOn), not by rank, so jobs that BullMQ
 * trims from the failed set meanwhile (removeOnFail) cannot shift the walk past others.
 */
export async function sweepFailedJobs(
  t: DeadLetterTarget,
  queue: string,
  opts: CaptureOptions & { batch?: number; maxJobs?: number; onCaptured?: (result: CaptureResult) => Promise<void> | void },
): Promise<SweepResult> {
  const batch = opts.batch ?? 500;
  const maxJobs = opts.maxJobs ?? 5000;
  const watermarks = `${dlqIndexBase(t)}:watermarks`;
  const mark = Number((await t.redis.zscore(watermarks, queue)) ?? 0);
  const range = { key: `${t.prefix}:${queue}:failed`, order: 'asc', from: String(Math.max(0, mark - WATERMARK_LOOKBACK_MS)), to: '+inf' } as const;
  const out: SweepResult = { scanned: 0, captured: 0, duplicates: [], caughtUp: true };
  // Only jobs past the watermark count toward maxJobs: the re-read minute behind it may alone hold more
  // than maxJobs (failures kept in the failed set), and counting it would stop every call before the
  // watermark moves.
  let beyondMark = 0;
  for await (const { entries, last } of scoreChunks(t.redis, range, batch)) {
    const result = await captureJobsById(t, queue, entries.map((e) => e.id), opts);
    await opts.onCaptured?.(result);
    out.scanned += entries.length;
    out.captured += result.captured.length;
    out.duplicates.push(...result.duplicates);
    beyondMark += entries.filter((e) => Number(e.score) > mark).length;
    // Only ever forward (two workers sweeping the same queue).
    await t.redis.zadd(watermarks, 'GT', entries[entries.length - 1].score, queue);
    if (!last && beyondMark >= maxJobs) {
      out.caughtUp = false;
      break;
    }
  }
  return out;
}

/** Where each index's dangling-entry check stopped, per client (per process: a restart starts it over). */
const danglingCursors = new WeakMap<DeadLetterTarget['redis'], Map<string, ScoreCursor | null>>();
const DANGLING_CHUNK = 500;

/**
 * Unindexes dead letters whose envelope was removed outside Drover (another dashboard's Remove on the
 * DLQ queue), so counts and pages heal. Looks at up to `max` index entries per call, oldest first, from
 * where the previous call stopped, wrapping around to the start: a DLQ smaller than `max` is checked
 * whole by every call, a larger one over a few. Each Lua call is a chunk of EXISTS checks.
 */
async function unindexDangling(t: DeadLetterTarget, max: number): Promise<number> {
  const base = dlqIndexBase(t);
  const range = { key: `${base}:all`, order: 'asc', from: '-inf', to: '+inf' } as const;
  const redis = withLuaScripts(t.redis, [dlqUnindexMissingScript]);
  let cursors = danglingCursors.get(t.redis);
  if (!cursors) danglingCursors.set(t.redis, (cursors = new Map()));
  const start = cursors.get(base) ?? null;
  let cursor = start;
  let looked = 0;
  let unindexed = 0;
  // From where the last call stopped to the end, then (budget left) from the start again.
  for (let pass = 0; pass < 2 && looked < max; pass++) {
    let reachedEnd = true;
    for await (const chunk of scoreChunks(t.redis, range, DANGLING_CHUNK, cursor)) {
      unindexed += await redis.droverDlqUnindexMissing(base, dlqKeyPrefix(t), ...chunk.entries.map((e) => e.id));
      cursor = chunk.cursor;
      looked += chunk.entries.length;
      if (!chunk.last && looked >= max) {
        reachedEnd = false;
        break;
      }
    }
    if (!reachedEnd) break;
    cursor = null;
    if (start === null) break;
  }
  cursors.set(base, cursor);
  return unindexed;
}

/**
 * Unindexes dangling entries (see unindexDangling), then removes dead letters older than maxAgeDays,
 * then the oldest beyond maxCount, in batches of `batch` (one Lua call each), at most `maxBatches` per
 * call so a huge backlog is worked off over several runs.
 */
export async function enforceRetention(
  t: DeadLetterTarget,
  retention: Retention = DEFAULT_RETENTION,
  opts: { batch?: number; maxBatches?: number; now?: number; danglingChecks?: number } = {},
): Promise<RetentionResult> {
  const batch = opts.batch ?? 1000;
  const maxBatches = opts.maxBatches ?? 10;
  const dangling = await unindexDangling(t, opts.danglingChecks ?? 5000);
  const all = `${dlqIndexBase(t)}:all`;
  const cutoff = (opts.now ?? Date.now()) - retention.maxAgeDays * 24 * 60 * 60 * 1000;
  let expired = 0;
  for (let round = 0; round < maxBatches; round++) {
    let ids = await t.redis.zrangebyscore(all, '-inf', `(${cutoff}`, 'LIMIT', 0, batch);
    if (ids.length === 0) {
      const excess = (await t.redis.zcard(all)) - retention.maxCount;
      if (excess <= 0) return { expired, caughtUp: true, dangling };
      ids = await t.redis.zrange(all, '0', String(Math.min(excess, batch) - 1));
    }
    const removed = await removeEnvelopes(t, ids, 'expired');
    expired += removed.length;
    // Ids indexed without an envelope or index entry: nothing left to remove, stop rather than spin.
    if (removed.length === 0) return { expired, caughtUp: false, dangling };
  }
  return { expired, caughtUp: false, dangling };
}

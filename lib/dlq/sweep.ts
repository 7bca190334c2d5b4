// The bounded background work of the DLQ: the capture sweep (failed jobs not captured yet — their
// worker died between BullMQ's move to failed and the capture) and retention (age, count). The worker
// runtime runs both at start and periodically; the console runs retention after its own captures.
import type { ConnectionConfig } from '@/lib/config/schema';
import { captureJobsById, dlqIndexBase, type CaptureOptions, type CaptureResult, type DeadLetterTarget } from './capture';
import { removeEnvelopes } from './remove-envelopes';

export type Retention = ConnectionConfig['deadLetterRetention'];
export const DEFAULT_RETENTION: Retention = { maxAgeDays: 30, maxCount: 100_000 };

/**
 * Watermarks are finishedOn times that come from each worker's clock: look this far behind the mark,
 * so a job finished by a worker whose clock is a little behind is not skipped. Re-reading a minute of
 * already captured jobs costs one HMGET each (their marker says "done").
 */
const WATERMARK_LOOKBACK_MS = 60_000;

export type SweepResult = { scanned: number; captured: number; duplicates: string[]; caughtUp: boolean };

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
  const failedKey = `${t.prefix}:${queue}:failed`;
  const watermarks = `${dlqIndexBase(t)}:watermarks`;
  const mark = Number((await t.redis.zscore(watermarks, queue)) ?? 0);
  let min = Math.max(0, mark - WATERMARK_LOOKBACK_MS);
  let seenAtMin = new Set<string>();
  const out: SweepResult = { scanned: 0, captured: 0, duplicates: [], caughtUp: false };
  while (out.scanned < maxJobs) {
    const requested = batch + seenAtMin.size;
    const raw = await t.redis.zrangebyscore(failedKey, min, '+inf', 'WITHSCORES', 'LIMIT', 0, requested);
    const entries: Array<[string, number]> = [];
    for (let i = 0; i < raw.length; i += 2) {
      const score = Number(raw[i + 1]);
      if (score === min && seenAtMin.has(raw[i])) continue;
      entries.push([raw[i], score]);
    }
    if (entries.length === 0) {
      out.caughtUp = true;
      break;
    }
    const result = await captureJobsById(t, queue, entries.map(([id]) => id), opts);
    await opts.onCaptured?.(result);
    out.scanned += entries.length;
    out.captured += result.captured.length;
    out.duplicates.push(...result.duplicates);
    const top = entries[entries.length - 1][1];
    const atTop = entries.filter(([, s]) => s === top).map(([id]) => id);
    seenAtMin = top === min ? new Set([...seenAtMin, ...atTop]) : new Set(atTop);
    min = top;
    // Only ever forward (two workers sweeping the same queue).
    await t.redis.zadd(watermarks, 'GT', top, queue);
    if (raw.length < requested * 2) {
      out.caughtUp = true;
      break;
    }
  }
  return out;
}

/**
 * Removes dead letters older than maxAgeDays, then the oldest beyond maxCount, in batches of `batch`
 * (one Lua call each), at most `maxBatches` per call so a huge backlog is worked off over several runs.
 */
export async function enforceRetention(
  t: DeadLetterTarget,
  retention: Retention = DEFAULT_RETENTION,
  opts: { batch?: number; maxBatches?: number; now?: number } = {},
): Promise<{ expired: number; caughtUp: boolean }> {
  const batch = opts.batch ?? 1000;
  const maxBatches = opts.maxBatches ?? 10;
  const all = `${dlqIndexBase(t)}:all`;
  const cutoff = (opts.now ?? Date.now()) - retention.maxAgeDays * 24 * 60 * 60 * 1000;
  let expired = 0;
  for (let round = 0; round < maxBatches; round++) {
    let ids = await t.redis.zrangebyscore(all, '-inf', `(${cutoff}`, 'LIMIT', 0, batch);
    if (ids.length === 0) {
      const excess = (await t.redis.zcard(all)) - retention.maxCount;
      if (excess <= 0) return { expired, caughtUp: true };
      ids = await t.redis.zrange(all, '0', String(Math.min(excess, batch) - 1));
    }
    const removed = await removeEnvelopes(t, ids, 'expired');
    expired += removed.length;
    // Ids indexed without an envelope or index entry: nothing left to remove, stop rather than spin.
    if (removed.length === 0) return { expired, caughtUp: false };
  }
  return { expired, caughtUp: false };
}

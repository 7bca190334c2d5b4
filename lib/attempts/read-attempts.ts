// Reads a job's attempt history for the job page, newest first, inferring runs that stalled.
import 'server-only';
import type { Redis } from 'ioredis';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { ATTEMPTS_CAP, attemptSchema, type Attempt } from './attempt';

/** A finished job whose newest run still reads "running" this soon after finishing is waiting for its batched end record. */
const END_RECORD_GRACE_MS = 10_000;

/**
 * Only runs of the current job are returned (a job id reused after a removal has its own history).
 * A "running" record reads as "stalled" when a later run superseded it, or when it is the newest run
 * but the job's BullMQ lock is gone (its worker died) — except right after the job finished, while
 * the runtime's batched end record is on its way.
 */
export async function readAttempts(redis: Redis, prefix: string, queue: string, jobId: string): Promise<Attempt[]> {
  const jobKey = `${prefix}:${queue}:${jobId}`;
  const results = await redis
    .pipeline()
    .lrange(KEYS.jobAttempts(prefix, queue, jobId), 0, ATTEMPTS_CAP - 1)
    .hmget(jobKey, 'timestamp', 'finishedOn')
    .exists(`${jobKey}:lock`)
    .exec();
  if (!results) return [];
  for (const [err] of results) if (err) throw err;
  const [raw, [timestamp, finishedOn], lockExists] = results.map(([, value]) => value) as [string[], [string | null, string | null], number];
  return attemptsOf(raw, { timestamp: timestamp === null ? undefined : Number(timestamp), finishedOn: finishedOn === null ? null : Number(finishedOn), locked: lockExists !== 0 });
}

/**
 * A job's raw attempt records (newest first, either store) read against the job as it is now: its
 * creation time (BullMQ `timestamp`, absent when the job is gone), when it finished, whether a worker
 * holds its lock.
 */
export function attemptsOf(raw: string[], job: { timestamp?: number; finishedOn: number | null; locked: boolean }): Attempt[] {
  const jobTimestamp = job.timestamp;
  const attempts: Attempt[] = [];
  for (const item of raw) {
    try {
      const parsed = attemptSchema.safeParse(JSON.parse(item));
      if (!parsed.success) continue;
      if (jobTimestamp !== undefined && parsed.data.jobTimestamp !== undefined && parsed.data.jobTimestamp !== jobTimestamp) continue;
      attempts.push(parsed.data);
    } catch {
      /* a foreign or corrupt entry is skipped, not fatal for the page */
    }
  }
  const justFinished = job.finishedOn !== null && Date.now() - job.finishedOn < END_RECORD_GRACE_MS;
  return attempts.map((a, index) => {
    if (a.outcome !== 'running') return a;
    const superseded = attempts.slice(0, index).some((newer) => newer.attempt > a.attempt || newer.startedAt > a.startedAt);
    const orphaned = index === 0 && !job.locked && !justFinished;
    return superseded || orphaned ? { ...a, outcome: 'stalled' as const } : a;
  });
}

/** The attempts of one job of a connection's queue. */
export function readJobAttempts(conn: Connection, queue: string, jobId: string): Promise<Attempt[]> {
  return conn.store.attempts(queue, jobId);
}

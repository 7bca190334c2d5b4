// Wait time (started − created) and processing time (finished − started) percentiles of a queue and
// of each job name, from a bounded sample: the LATENCY_SAMPLE_SIZE most recently completed jobs, read
// with one ZREVRANGE and one pipeline of HMGETs of four summary fields (never data or return values).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { percentilesOf, type Percentiles } from './percentiles';

export const LATENCY_SAMPLE_SIZE = 1000;
/** Names beyond this many (by sample count) are left out of the per-name table. */
const MAX_NAMES = 50;

export type LatencyStats = { wait: Percentiles; processing: Percentiles };

export type QueueLatency = {
  connection: string;
  queue: string;
  /** how many recent completed jobs are looked at, at most */
  sampleSize: number;
  /** how many were read (fewer when the queue keeps fewer completed jobs) */
  sampled: number;
  /** finishedOn of the oldest and newest job in the sample, ms */
  oldestFinishedAt: number | null;
  newestFinishedAt: number | null;
  overall: LatencyStats;
  byName: Array<LatencyStats & { name: string }>;
};

type Timing = { name: string; wait: number | null; processing: number | null; finishedOn: number | null };

function stats(timings: Timing[]): LatencyStats {
  return {
    wait: percentilesOf(timings.flatMap((t) => (t.wait === null ? [] : [t.wait]))),
    processing: percentilesOf(timings.flatMap((t) => (t.processing === null ? [] : [t.processing]))),
  };
}

export async function getQueueLatency(conn: Connection, queue: string, sampleSize = LATENCY_SAMPLE_SIZE): Promise<QueueLatency> {
  const timings: Timing[] = (await conn.store.recentCompletedTimings(queue, sampleSize)).map((t) => ({
    name: t.name,
    wait: t.timestamp !== null && t.processedOn !== null ? Math.max(0, t.processedOn - t.timestamp) : null,
    processing: t.processedOn !== null && t.finishedOn !== null ? Math.max(0, t.finishedOn - t.processedOn) : null,
    finishedOn: t.finishedOn,
  }));
  const byName = new Map<string, Timing[]>();
  for (const t of timings) {
    const list = byName.get(t.name);
    if (list) list.push(t);
    else byName.set(t.name, [t]);
  }
  const finishedTimes = timings.flatMap((t) => (t.finishedOn === null ? [] : [t.finishedOn]));
  return {
    connection: conn.name,
    queue,
    sampleSize,
    sampled: timings.length,
    oldestFinishedAt: finishedTimes.length ? Math.min(...finishedTimes) : null,
    newestFinishedAt: finishedTimes.length ? Math.max(...finishedTimes) : null,
    overall: stats(timings),
    byName: [...byName.entries()]
      .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
      .slice(0, MAX_NAMES)
      .map(([name, list]) => ({ name, ...stats(list) })),
  };
}

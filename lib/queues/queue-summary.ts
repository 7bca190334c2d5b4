// Per-queue counts, flags and throughput for every queue of a connection in one round trip.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { JobState } from '@/lib/jobs/job-states';
import { minuteSeries, parseMetricsMeta, throughputOf, type Throughput } from './throughput';

export type QueueCounts = Record<JobState, number>;

export type QueueSummary = {
  connection: string;
  name: string;
  /** false when the queue is only named in the config and has no keys yet */
  exists: boolean;
  counts: QueueCounts;
  /** States whose count is an estimate (PostgreSQL's planner, for a state above 100,000 jobs); absent when all are exact. */
  approximate?: JobState[];
  paused: boolean;
  globalConcurrency: number | null;
  globalRateLimit: { max: number; duration: number } | null;
  oldestWaitingAt: number | null;
  completed: Throughput;
  failed: Throughput;
  /** false when no worker records BullMQ metrics for this queue */
  metricsRecorded: boolean;
  /** completed per minute, newest first (current minute at index 0), 60 points */
  completedSeries: number[];
  failedSeries: number[];
};

export const METRIC_POINTS = 60;

function num(v: unknown): number | null {
  if (v === '' || v === null || v === undefined || v === false) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A metrics list as numbers (Lua's JSON encoder writes an empty list as `{}`). */
function points(raw: unknown): number[] {
  return Array.isArray(raw) ? raw.map(Number) : [];
}

/**
 * One queue's summary from the positions the Redis script answers (lib/redis/lua/queue-summaries-n.ts);
 * the PostgreSQL store builds the same positions.
 */
export function parseQueueSummary(connection: string, name: string, raw: unknown[], now: number): QueueSummary {
  const counts: QueueCounts = {
    waiting: Number(raw[0]),
    active: Number(raw[1]),
    delayed: Number(raw[2]),
    prioritized: Number(raw[3]),
    'waiting-children': Number(raw[4]),
    completed: Number(raw[5]),
    failed: Number(raw[6]),
  };
  const completedMeta = parseMetricsMeta(raw[12]);
  const failedMeta = parseMetricsMeta(raw[14]);
  const completedSeries = minuteSeries(completedMeta, points(raw[13]), now, METRIC_POINTS);
  const failedSeries = minuteSeries(failedMeta, points(raw[15]), now, METRIC_POINTS);
  const max = num(raw[9]);
  const duration = num(raw[10]);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    connection,
    name,
    exists: Number(raw[16]) === 1 || total > 0,
    counts,
    paused: raw[7] !== '' && raw[7] !== '0' && raw[7] !== false,
    globalConcurrency: num(raw[8]),
    globalRateLimit: max !== null && duration !== null ? { max, duration } : null,
    oldestWaitingAt: num(raw[11]),
    completed: throughputOf(completedSeries, now),
    failed: throughputOf(failedSeries, now),
    metricsRecorded: Boolean(completedMeta || failedMeta),
    completedSeries,
    failedSeries,
  };
}

/** Summaries of the given queues in one round trip to the connection's store. */
export async function getQueueSummaries(conn: Connection, queues: string[], now = Date.now()): Promise<QueueSummary[]> {
  return conn.store.queueSummaries(queues, now);
}

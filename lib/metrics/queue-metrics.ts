// The time series of one queue for a range: depth by state from the sampler's points, throughput
// from BullMQ's own per-minute metrics. Every read is bounded (at most MAX_POINTS per series).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { sampleStore, type SampleResolution } from '@/lib/store/console/samples';
import { NotFoundError } from '@/lib/errors';
import { minuteSeries } from '@/lib/queues/throughput';
import { MAX_POINTS, RANGES, type MetricsRange } from './settings';
import type { DepthPoint } from './sample';

export type ThroughputPoint = {
  /** minute start, ms */
  t: number;
  completed: number;
  failed: number;
  /** failed / (completed + failed) in percent; null in a minute without finished jobs */
  failureRate: number | null;
};

export type QueueMetrics = {
  connection: string;
  queue: string;
  range: MetricsRange;
  from: number;
  to: number;
  /** seconds between depth points */
  resolutionSeconds: 10 | 60;
  depth: DepthPoint[];
  throughput: ThroughputPoint[];
  /** false when no worker records BullMQ metrics for this queue (throughput is then all zeros) */
  metricsRecorded: boolean;
};

/** The newest `MAX_POINTS` samples of a series from `from` on, oldest first. */
function readSamples(conn: string, queue: string, res: SampleResolution, from: number): Promise<DepthPoint[]> {
  return sampleStore().points(conn, queue, res, { from }, MAX_POINTS, 'newest');
}

export async function readDepth(conn: string, queue: string, range: MetricsRange, now: number): Promise<DepthPoint[]> {
  const from = now - RANGES[range].ms;
  if (RANGES[range].resolution === '10s') return readSamples(conn, queue, '10s', from);
  const [minutes, latest] = await Promise.all([readSamples(conn, queue, '1m', from), sampleStore().points(conn, queue, '10s', { from: 0 }, 1, 'newest')]);
  // The open minute has no 1-minute point yet: end the series with the newest 10 s sample.
  const last = latest[0] ?? null;
  if (last && last.t >= from && (minutes.length === 0 || last.t >= minutes[minutes.length - 1].t + 60_000)) {
    minutes.push(last);
    if (minutes.length > MAX_POINTS) minutes.shift();
  }
  return minutes;
}

export async function readThroughput(conn: Connection, queue: string, minutes: number, now: number): Promise<{ points: ThroughputPoint[]; recorded: boolean; exists: boolean }> {
  const count = Math.min(minutes, MAX_POINTS);
  const record = await conn.store.metrics(queue, count);
  const completedMeta = record.completed.meta;
  const failedMeta = record.failed.meta;
  const completed = minuteSeries(completedMeta, record.completed.data, now, count);
  const failed = minuteSeries(failedMeta, record.failed.data, now, count);
  const nowMinute = Math.floor(now / 60_000) * 60_000;
  const points: ThroughputPoint[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const finished = completed[i] + failed[i];
    points.push({ t: nowMinute - i * 60_000, completed: completed[i], failed: failed[i], failureRate: finished ? (failed[i] / finished) * 100 : null });
  }
  return { points, recorded: Boolean(completedMeta || failedMeta), exists: record.exists };
}

export async function getQueueMetrics(conn: Connection, queue: string, range: MetricsRange, now = Date.now()): Promise<QueueMetrics> {
  const [depth, throughput] = await Promise.all([readDepth(conn.name, queue, range, now), readThroughput(conn, queue, RANGES[range].ms / 60_000, now)]);
  const known = throughput.exists || depth.length > 0 || conn.config.queues.includes(queue) || queue === conn.config.deadLetterQueue;
  if (!known) throw new NotFoundError(`Queue "${queue}" not found on connection "${conn.name}"`);
  return {
    connection: conn.name,
    queue,
    range,
    from: now - RANGES[range].ms,
    to: now,
    resolutionSeconds: RANGES[range].resolution === '10s' ? 10 : 60,
    depth,
    throughput: throughput.points,
    metricsRecorded: throughput.recorded,
  };
}

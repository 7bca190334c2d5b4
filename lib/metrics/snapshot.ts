// What every connection looks like right now, read the cheap way: per connection one cached
// discovery, one pipelined summary call for all its queues and one CLIENT LIST — never per queue.
// The sampler records it, the alert evaluator judges it, /api/metrics exports it.
import 'server-only';
import { listConnections, type Connection } from '@/lib/redis/connections';
import { toDroverError } from '@/lib/errors';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { getQueueSummaries, type QueueSummary } from '@/lib/queues/queue-summary';
import { getWorkersByQueue } from '@/lib/queues/workers-by-queue';

export type QueueSnapshot = QueueSummary & { workers: number };

export type ConnectionSnapshot = {
  name: string;
  /** false when the summary call failed: the "Redis unreachable" signal */
  up: boolean;
  error: string | null;
  deadLetterQueue: string;
  /** jobs of the dead-letter queue in every state; null when Redis is down */
  deadLetterJobs: number | null;
  /** queues that exist, plus the dead-letter queue even before it exists (so its growth has a baseline) */
  queues: QueueSnapshot[];
};

export type MetricsSnapshot = { at: number; connections: ConnectionSnapshot[] };

function jobsIn(summary: QueueSummary): number {
  return Object.values(summary.counts).reduce((a, b) => a + b, 0);
}

export async function collectConnectionSnapshot(conn: Connection, now: number): Promise<ConnectionSnapshot> {
  const deadLetterQueue = conn.config.deadLetterQueue;
  try {
    const { queues } = await discoverQueues(conn);
    const names = queues.includes(deadLetterQueue) ? queues : [...queues, deadLetterQueue];
    const [summaries, workers] = await Promise.all([getQueueSummaries(conn, names, now), getWorkersByQueue(conn, true)]);
    const dlq = summaries.find((s) => s.name === deadLetterQueue);
    return {
      name: conn.name,
      up: true,
      error: null,
      deadLetterQueue,
      deadLetterJobs: dlq ? jobsIn(dlq) : 0,
      queues: summaries.filter((s) => s.exists || s.name === deadLetterQueue).map((s) => ({ ...s, workers: workers.get(s.name)?.length ?? 0 })),
    };
  } catch (err) {
    return { name: conn.name, up: false, error: toDroverError(err, conn.name).message, deadLetterQueue, deadLetterJobs: null, queues: [] };
  }
}

export async function collectSnapshot(now = Date.now()): Promise<MetricsSnapshot> {
  const connections = await Promise.all(listConnections().map((c) => collectConnectionSnapshot(c, now)));
  return { at: now, connections };
}

// One queue's page header: counts, flags, limits, workers and scheduler count.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { getQueueSummaries, type QueueSummary } from './queue-summary';
import { getWorkersByQueue, type WorkerInfo } from './workers-by-queue';
import { assertSummaryExists } from './assert-queue-exists';

export type QueueDetail = QueueSummary & {
  workers: WorkerInfo[];
  schedulers: number;
  /** ms until the rate limiter lets jobs through again; 0 when not limited */
  rateLimitTtl: number;
  readOnly: boolean;
};

export async function getQueue(conn: Connection, queue: string): Promise<QueueDetail> {
  const [[summary], workers, extra] = await Promise.all([getQueueSummaries(conn, [queue]), getWorkersByQueue(conn), conn.store.queueExtras(queue)]);
  assertSummaryExists(conn, summary);
  return { ...summary, workers: workers.get(queue) ?? [], ...extra, readOnly: conn.readOnly };
}

// One rule for "does this queue exist", shared by the queue summary and the jobs list so both answer
// the same 404: it has keys in Redis (its meta hash or any job), or the connection's config names it.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { NotFoundError } from '@/lib/errors';
import { getQueueSummaries, type QueueSummary } from './queue-summary';

export function queueNotFound(conn: Connection, queue: string): NotFoundError {
  return new NotFoundError(`Queue "${queue}" not found on connection "${conn.name}"`);
}

/** Throws the queue's NotFoundError unless the summary shows keys or the config names the queue. */
export function assertSummaryExists(conn: Connection, summary: QueueSummary): void {
  if (!summary.exists && !conn.config.queues.includes(summary.name)) throw queueNotFound(conn, summary.name);
}

/** The same check on its own: one Lua call over fixed keys (counts and the meta hash), never a scan. */
export async function assertQueueExists(conn: Connection, queue: string): Promise<void> {
  if (conn.config.queues.includes(queue)) return;
  const [summary] = await getQueueSummaries(conn, [queue]);
  assertSummaryExists(conn, summary);
}

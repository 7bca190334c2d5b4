// Which queues may get a worker setting (concurrency, local pause): one the connection has (its keys or
// rows, or its configuration names it), one a live Drover runtime serves (an idle queue may have
// neither keys nor meta yet), or one with a setting already (so a stale one can still be cleared).
// Anything else is refused: the settings store is not filled with queue names nothing runs.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { NotFoundError } from '@/lib/errors';
import { getQueueSummaries } from '@/lib/queues/queue-summary';
import { readHeartbeats } from '@/lib/workers/get-busy';
import { shortCached } from '@/lib/queues/short-cache';

/**
 * How long the queues the live heartbeats list are reused: refusals of made-up queue names (an operator in
 * a loop) read the heartbeats (≤ 50 records of ≤ 128 KB) at most once per this, per connection and console
 * process; a process that started within it may be unknown to the check for that long.
 */
export const SERVED_QUEUES_CACHE_MS = 1000;

/** The queues the live heartbeats the Busy view reads (the first 50) list, each listing at most 50. */
function servedQueues(conn: Connection): Promise<Set<string>> {
  return shortCached(`served-queues:${conn.name}`, SERVED_QUEUES_CACHE_MS, async () => {
    const { records } = await readHeartbeats(conn);
    return new Set(records.flatMap((r) => r.queues));
  });
}

export async function assertWorkerQueueKnown(conn: Connection, queue: string): Promise<void> {
  if (conn.config.queues.includes(queue)) return;
  const [summary] = await getQueueSummaries(conn, [queue]);
  if (summary.exists) return;
  if ((await conn.records.workerSettings([queue])).has(queue)) return;
  if ((await servedQueues(conn)).has(queue)) return;
  throw new NotFoundError(`Queue "${queue}" not found on connection "${conn.name}": it has no jobs or meta there, the configuration does not name it, and no live Drover worker process serves it`);
}

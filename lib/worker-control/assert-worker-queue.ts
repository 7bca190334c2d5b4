// Which queues may get a worker setting (concurrency, local pause): one the connection has (its keys or
// rows, or its configuration names it), one a live Drover runtime serves (an idle queue may have
// neither keys nor meta yet), or one with a setting already (so a stale one can still be cleared).
// Anything else is refused: the settings store is not filled with queue names nothing runs.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { NotFoundError } from '@/lib/errors';
import { getQueueSummaries } from '@/lib/queues/queue-summary';
import { BUSY_RECORD_READ_MAX_BYTES, busyRecordSchema } from '@/lib/workers/busy-record';
import { BUSY_LIMITS } from '@/lib/workers/busy-schemas';

export async function assertWorkerQueueKnown(conn: Connection, queue: string): Promise<void> {
  if (conn.config.queues.includes(queue)) return;
  const [summary] = await getQueueSummaries(conn, [queue]);
  if (summary.exists) return;
  if ((await conn.records.workerSettings([queue])).has(queue)) return;
  // The heartbeats the Busy view reads (the first 50 live ones, each listing at most 50 queues).
  const beats = await conn.records.readBusy(BUSY_LIMITS.processes, BUSY_RECORD_READ_MAX_BYTES);
  for (const raw of beats.values) {
    let parsed;
    try {
      parsed = busyRecordSchema.safeParse(JSON.parse(raw));
    } catch {
      continue;
    }
    if (parsed.success && parsed.data.queues.includes(queue)) return;
  }
  throw new NotFoundError(`Queue "${queue}" not found on connection "${conn.name}": it has no jobs or meta there, the configuration does not name it, and no live Drover worker process serves it`);
}

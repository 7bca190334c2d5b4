// Pause a queue: workers take no new jobs (running ones finish). BullMQ 6 keeps its jobs in waiting.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from './params';
import { queueOperations as ops } from '@/lib/operations/queues';

export async function pauseQueue(ctx: AuditContext, t: QueueParams): Promise<{ message: string }> {
  // Pausing changes no job, so the dead-letter queue may be paused too.
  return audited(ctx, ops.pauseQueue, { connection: t.conn, queue: t.queue, deadLetterQueueAllowed: true }, async (conn) => {
    await conn.queue(t.queue).pause();
    return { result: { message: `Queue ${t.queue} paused: workers take no new jobs (running ones finish)` } };
  });
}

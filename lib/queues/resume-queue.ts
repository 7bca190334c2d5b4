// Resume a paused queue.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from './params';
import { queueOperations as ops } from '@/lib/operations/queues';

export async function resumeQueue(ctx: AuditContext, t: QueueParams): Promise<{ message: string }> {
  return audited(ctx, ops.resumeQueue, { connection: t.conn, queue: t.queue, deadLetterQueueAllowed: true }, async (conn) => {
    await conn.queue(t.queue).resume();
    return { result: { message: `Queue ${t.queue} resumed` } };
  });
}

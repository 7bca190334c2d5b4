// Remove a state's jobs older than an age, in bounded batches (unprocessed states need admin).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from './params';
import { queueOperations as ops } from '@/lib/operations/queues';
import { progressReporter } from '@/lib/progress/bulk-progress';
import { assertMayRemoveUnprocessedInBulk, isUnprocessedState } from '@/lib/jobs/unprocessed-work';
import type { CleanInput } from './schemas';

export async function cleanQueue(ctx: AuditContext, t: QueueParams, input: CleanInput): Promise<{ message: string; removed: number }> {
  const report = progressReporter(input.operationId, { conn: t.conn, queue: t.queue });
  return audited(ctx, ops.cleanQueue, { connection: t.conn, queue: t.queue, params: { state: input.state, olderThanMs: input.olderThanMs } }, async (conn) => {
    if (isUnprocessedState(input.state)) assertMayRemoveUnprocessedInBulk(ctx.actor, `Cleaning ${input.state} jobs`);
    const type = input.state === 'waiting' ? 'wait' : input.state;
    const total = await conn.store.actions.stateCount(t.queue, type);
    const removed = await conn.store.actions.cleanState(t.queue, type, Date.now() - input.olderThanMs, (done) => report({ done, total, phase: `clean ${input.state}` }));
    await report({ done: removed, total, phase: 'done', finished: true });
    return { result: { message: `Removed ${removed.toLocaleString('en')} ${input.state} job${removed === 1 ? '' : 's'} from ${t.queue}`, removed }, count: removed };
  });
}

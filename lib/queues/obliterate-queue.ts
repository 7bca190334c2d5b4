// Delete the queue and all its jobs; the caller must type the queue name; active jobs block it unless forced.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from './params';
import { queueOperations as ops } from '@/lib/operations/queues';
import { ConflictError, InvalidError } from '@/lib/errors';
import type { ObliterateInput } from './schemas';
import { forgetQueueSchedules } from '@/lib/schedules/watch/forget-schedule';

export async function obliterateQueue(ctx: AuditContext, t: QueueParams, input: ObliterateInput): Promise<{ message: string }> {
  return audited(ctx, ops.obliterateQueue, { connection: t.conn, queue: t.queue, params: { force: input.force } }, async (conn) => {
    if (input.confirm !== t.queue) throw new InvalidError(`Type the queue name "${t.queue}" exactly to confirm`, { confirm: ['does not match the queue name'] });
    const active = await conn.store.actions.stateCount(t.queue, 'active');
    if (active > 0 && !input.force) {
      throw new ConflictError(`Queue ${t.queue} has ${active} active job${active === 1 ? '' : 's'}: wait for them, cancel them, or force the obliteration`);
    }
    try {
      await conn.queue(t.queue).obliterate({ force: input.force, count: 1000 });
    } catch (err) {
      if (/active jobs/i.test((err as Error).message)) throw new ConflictError(`Queue ${t.queue} got active jobs meanwhile: try again or force it`);
      throw err;
    }
    // Its schedulers went with it, by Drover's hand: the schedule watch must not report them gone.
    await forgetQueueSchedules(conn, t.queue);
    return { result: { message: `Queue ${t.queue} obliterated` } };
  });
}

// Forget a watched scheduler (typically one reported gone): its watch record and run history go.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { NotFoundError } from '@/lib/errors';
import { scheduleWatchStore, watchField } from '@/lib/store/console/schedule-watch';
import { scheduleOperations as ops } from '@/lib/operations/schedules';
import type { SchedulerParams } from '@/lib/schedules/schema';

export async function forgetSchedule(ctx: AuditContext, t: SchedulerParams): Promise<{ message: string }> {
  return audited(ctx, ops.forgetSchedule, { connection: t.conn, queue: t.queue, params: { id: t.schedulerId }, deadLetterQueueAllowed: true }, async (conn) => {
    const had = await scheduleWatchStore().forget(conn.name, watchField(t.queue, t.schedulerId));
    if (!had) throw new NotFoundError(`Schedule "${t.schedulerId}" in queue "${t.queue}" on connection "${t.conn}" is not watched`);
    return { result: { message: `Schedule "${t.schedulerId}" forgotten: its watch record and run history were removed` } };
  });
}

// Delete a job scheduler (with its pending job) and/or its paused copy.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { NotFoundError } from '@/lib/errors';
import { readLiveScheduler } from './get-live-scheduler';
import { removePausedSchedule } from './paused-store';
import { isDefinedInCode } from './code-defined';
import { scheduleOperations as ops } from '@/lib/operations/schedules';
import type { DeleteScheduleOptions, SchedulerParams } from './schema';
import { scheduleWatchStore, watchField } from '@/lib/store/console/schedule-watch';

export async function deleteSchedule(ctx: AuditContext, t: SchedulerParams, opts: DeleteScheduleOptions = {}): Promise<{ message: string }> {
  return audited(ctx, ops.deleteSchedule, { connection: t.conn, queue: t.queue, params: { id: t.schedulerId, ...(opts.only ? { only: opts.only } : {}) }, deadLetterQueueAllowed: true }, async (conn) => {
    const id = t.schedulerId;
    let removedLive = false;
    let removedPaused = false;
    // Only real schedulers: a legacy repeatable's key is not deleted through here (migrate it instead).
    if (opts.only !== 'paused' && (await readLiveScheduler(conn, t.queue, id))) removedLive = await conn.queue(t.queue).removeJobScheduler(id);
    if (opts.only !== 'live') removedPaused = await removePausedSchedule(conn, t.queue, id);
    if (!removedLive && !removedPaused) {
      throw new NotFoundError(`No ${opts.only === 'paused' ? 'paused ' : opts.only === 'live' ? 'live ' : ''}schedule "${id}" in queue "${t.queue}" on connection "${t.conn}"`);
    }
    // Deleted through Drover: the watch forgets it, so it never reads as "gone". Best effort: a console
    // store that is down must not fail the delete (the record then shows as gone until forgotten).
    if (removedLive) await scheduleWatchStore().forget(conn.name, watchField(t.queue, id)).catch(() => false);
    const what = removedLive && removedPaused ? 'and its paused copy deleted' : removedPaused ? '(paused) deleted' : 'deleted';
    const codeNote = isDefinedInCode(t.queue, id) ? ' It is defined in code: the next worker start creates it again.' : '';
    return { result: { message: `Schedule "${id}" ${what} from ${t.queue}.${codeNote}` } };
  });
}

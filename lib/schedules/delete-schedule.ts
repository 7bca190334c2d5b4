// Delete a job scheduler (with its pending job) and/or its paused copy.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { NotFoundError } from '@/lib/errors';
import { readLiveScheduler } from './get-live-scheduler';
import { removePausedSchedule } from './paused-store';
import { isDefinedInCode } from './code-defined';
import { writableConnection } from '@/lib/actions/writable-connection';
import type { DeleteScheduleOptions, SchedulerParams } from './schema';

export async function deleteSchedule(ctx: AuditContext, t: SchedulerParams, opts: DeleteScheduleOptions = {}): Promise<{ message: string }> {
  return audited(ctx, { action: 'schedule.delete', connection: t.conn, queue: t.queue, params: { id: t.schedulerId, ...(opts.only ? { only: opts.only } : {}) } }, async () => {
    // Allowed on the dead-letter queue: a schedule made there before it was refused can still be stopped.
    const conn = writableConnection(ctx, t.conn);
    const id = t.schedulerId;
    let removedLive = false;
    let removedPaused = false;
    // Only real schedulers: a legacy repeatable's key is not deleted through here (migrate it instead).
    if (opts.only !== 'paused' && (await readLiveScheduler(conn, t.queue, id))) removedLive = await conn.queue(t.queue).removeJobScheduler(id);
    if (opts.only !== 'live') removedPaused = await removePausedSchedule(conn, t.queue, id);
    if (!removedLive && !removedPaused) {
      throw new NotFoundError(`No ${opts.only === 'paused' ? 'paused ' : opts.only === 'live' ? 'live ' : ''}schedule "${id}" in queue "${t.queue}" on connection "${t.conn}"`);
    }
    const what = removedLive && removedPaused ? 'and its paused copy deleted' : removedPaused ? '(paused) deleted' : 'deleted';
    const codeNote = isDefinedInCode(t.queue, id) ? ' It is defined in code: the next worker start creates it again.' : '';
    return { result: { message: `Schedule "${id}" ${what} from ${t.queue}.${codeNote}` } };
  });
}

// Forget a watched scheduler (typically one reported gone): its watch record and run history go.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { ConflictError, NotFoundError } from '@/lib/errors';
import type { Connection } from '@/lib/redis/connections';
import { parseWatchRecord } from './watch-record';
import { scheduleWatchStore, watchField } from '@/lib/store/console/schedule-watch';
import { scheduleOperations as ops } from '@/lib/operations/schedules';
import type { SchedulerParams } from '@/lib/schedules/schema';

export async function forgetSchedule(ctx: AuditContext, t: SchedulerParams): Promise<{ message: string }> {
  return audited(ctx, ops.forgetSchedule, { connection: t.conn, queue: t.queue, params: { id: t.schedulerId }, deadLetterQueueAllowed: true }, async (conn) => {
    const store = scheduleWatchStore();
    const field = watchField(t.queue, t.schedulerId);
    const record = await store.record(conn.name, field);
    if (record === null) throw new NotFoundError(`Schedule "${t.schedulerId}" in queue "${t.queue}" on connection "${t.conn}" is not watched`);
    // Only a scheduler that is gone: forgetting a live one would resolve its alert and be undone next round.
    if (parseWatchRecord(record)?.status !== 'gone' && (await conn.store.schedules.isScheduler(t.queue, t.schedulerId))) {
      throw new ConflictError(`Schedule "${t.schedulerId}" in queue "${t.queue}" still exists: only a scheduler reported gone can be forgotten (delete or pause it instead)`);
    }
    await store.forget(conn.name, field);
    return { result: { message: `Schedule "${t.schedulerId}" forgotten: its watch record and run history were removed` } };
  });
}

/** Drops the watch records and runs of every scheduler of a queue (after Drover obliterated it). */
export async function forgetQueueSchedules(conn: Connection, queue: string): Promise<void> {
  const store = scheduleWatchStore();
  const fields = [...(await store.watched(conn.name)).keys()].filter((f) => f.startsWith(`${queue}\n`));
  if (fields.length) await store.saveWatch(conn.name, [], fields);
}

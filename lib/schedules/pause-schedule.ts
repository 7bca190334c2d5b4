// Pause a job scheduler: BullMQ has none, so the exact definition is stored under drover: (in the
// connection's own data, lib/schedules/paused-store.ts, so it survives restarts) and the scheduler is removed with its pending job.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { readLiveScheduler } from './get-live-scheduler';
import { getPausedSchedule, removePausedSchedule, storePausedSchedule } from './paused-store';
import { scheduleOperations as ops } from '@/lib/operations/schedules';
import type { SchedulerParams } from './schema';
import { scheduleWatchStore, watchField } from '@/lib/store/console/schedule-watch';

export async function pauseSchedule(ctx: AuditContext, t: SchedulerParams): Promise<{ message: string }> {
  return audited(ctx, ops.pauseSchedule, { connection: t.conn, queue: t.queue, params: { id: t.schedulerId }, deadLetterQueueAllowed: true }, async (conn) => {
    const id = t.schedulerId;
    const live = await readLiveScheduler(conn, t.queue, id);
    if (!live) {
      if (await getPausedSchedule(conn, t.queue, id)) throw new ConflictError(`Schedule "${id}" is already paused`);
      throw new NotFoundError(`No schedule "${id}" in queue "${t.queue}" on connection "${t.conn}"`);
    }
    const { next, ...scheduler } = live;
    // The pending job BullMQ removes with the scheduler never ran; a job already past its delay
    // (waiting for a worker) stays and still runs, so it counts as done.
    const pendingId = next === null ? null : `repeat:${id}:${next}`;
    const pendingDelayed = pendingId !== null && (await conn.store.schedules.isDelayed(t.queue, pendingId));
    const iterationsDone = Math.max(0, (scheduler.iterationCount ?? 1) - (pendingDelayed ? 1 : 0));
    const stored = await storePausedSchedule(conn, t.queue, { scheduler, iterationsDone, pausedAt: Date.now(), pausedBy: ctx.actor.name, nextAtPause: next });
    if (!stored) {
      throw new ConflictError(`A paused copy of schedule "${id}" already exists next to the live one (it was re-created after a pause): delete one of them first`);
    }
    try {
      await conn.queue(t.queue).removeJobScheduler(id);
    } catch (err) {
      // Nothing changed in BullMQ: drop the copy so the schedule is not listed twice.
      await removePausedSchedule(conn, t.queue, id).catch(() => {});
      throw err;
    }
    // Paused through Drover: not missed. Its run history stays for when it is resumed; the record goes
    // (the watch round also drops records of schedulers with a paused copy).
    await scheduleWatchStore().saveWatch(conn.name, [], [watchField(t.queue, id)]).catch(() => undefined);
    return { result: { message: `Schedule "${id}" paused: it produces no job until resumed` }, jobIds: pendingDelayed && pendingId ? [pendingId] : undefined };
  });
}

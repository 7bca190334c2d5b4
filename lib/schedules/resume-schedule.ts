// Resume a paused schedule: upsert it again with every stored field (timing, limit, offset, iteration
// count, template), then drop the stored copy — only once the upsert has succeeded.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { ConflictError, InvalidError, NotFoundError } from '@/lib/errors';
import { readLiveScheduler } from './get-live-scheduler';
import { getPausedSchedule, removePausedSchedule } from './paused-store';
import { formatRunTime } from './zone-format';
import { scheduleOperations as ops } from '@/lib/operations/schedules';
import type { SchedulerParams } from './schema';

export async function resumeSchedule(ctx: AuditContext, t: SchedulerParams): Promise<{ message: string; next: number | null }> {
  return audited(ctx, ops.resumeSchedule, { connection: t.conn, queue: t.queue, params: { id: t.schedulerId } }, async (conn) => {
    const id = t.schedulerId;
    const [paused, live] = await Promise.all([getPausedSchedule(conn, t.queue, id), readLiveScheduler(conn, t.queue, id)]);
    if (!paused) {
      if (live) throw new ConflictError(`Schedule "${id}" is not paused`);
      throw new NotFoundError(`No paused schedule "${id}" in queue "${t.queue}" on connection "${t.conn}"`);
    }
    if (live) {
      throw new ConflictError(
        `A live schedule "${id}" exists in queue "${t.queue}" (re-created after this one was paused): resuming would overwrite it. Delete the live schedule or the paused copy first`,
      );
    }
    const def = paused.scheduler;
    const now = Date.now();
    if (def.endDate && def.endDate <= now) {
      throw new InvalidError(`Schedule "${id}" ended at ${formatRunTime(def.endDate, def.tz)} while paused: nothing to resume (edit its end date, or delete it)`, { endDate: ['in the past'] });
    }
    if (def.limit && paused.iterationsDone >= def.limit) {
      throw new InvalidError(`Schedule "${id}" already produced its limit of ${def.limit} jobs: nothing to resume (raise the limit, or delete it)`, { limit: ['reached'] });
    }
    const repeat = conn.store.schedules.resumeOptions(def, paused.iterationsDone);
    const job = await conn.queue(t.queue).upsertJobScheduler(id, repeat, { name: def.template.name, data: def.template.data ?? {}, opts: def.template.opts ?? {} });
    const score = await conn.store.schedules.nextRun(t.queue, id);
    if (!job && score === null) throw new ConflictError(`BullMQ produced no run for schedule "${id}" (its end date or limit is reached): it stays paused`);
    await conn.store.schedules.restoreIterationCount(t.queue, id, paused.iterationsDone);
    await removePausedSchedule(conn, t.queue, id);
    const next = score;
    return { result: { message: `Schedule "${id}" resumed${next === null ? '' : `: next run ${formatRunTime(next, def.tz)}`}`, next }, jobIds: job?.id ? [job.id] : undefined };
  });
}

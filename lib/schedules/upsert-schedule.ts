// Create or replace a job scheduler (BullMQ upsertJobScheduler). Editing a paused schedule updates its
// stored definition and keeps it paused.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { ConflictError } from '@/lib/errors';
import { validateSchedule, type ValidSchedule } from './validate-schedule';
import { readLiveScheduler } from './get-live-scheduler';
import { getPausedSchedule, replacePausedSchedule } from './paused-store';
import { isDefinedInCode } from './code-defined';
import { formatRunTime } from './zone-format';
import { scheduleOperations as ops } from '@/lib/operations/schedules';
import type { ScheduleInput, SchedulerParams } from './schema';
import type { ScheduleDefinition } from './types';

export type UpsertScheduleResult = { message: string; state: 'active' | 'paused'; created: boolean; next: number | null; definedInCode: boolean };

/** A validated input as a stored definition (editing a paused schedule). */
function definitionOf(id: string, valid: ValidSchedule, iterationCount?: number): ScheduleDefinition {
  const r = valid.repeat;
  const def: ScheduleDefinition = { id, template: { name: valid.template.name, data: valid.template.data } };
  if (Object.keys(valid.template.opts).length > 0) def.template.opts = valid.template.opts;
  if (r.pattern) def.pattern = r.pattern;
  if (r.every) def.every = r.every;
  if (r.tz) def.tz = r.tz;
  if (r.startDate !== undefined) def.startDate = Number(r.startDate);
  if (r.endDate !== undefined) def.endDate = Number(r.endDate);
  if (r.limit) def.limit = r.limit;
  if (iterationCount !== undefined) def.iterationCount = iterationCount;
  return def;
}

export async function upsertSchedule(ctx: AuditContext, t: SchedulerParams, input: ScheduleInput): Promise<UpsertScheduleResult> {
  const params = { id: t.schedulerId, pattern: input.pattern, every: input.every, tz: input.tz, startDate: input.startDate, endDate: input.endDate, limit: input.limit, name: input.template.name };
  return audited<UpsertScheduleResult>(ctx, ops.upsertSchedule, { connection: t.conn, queue: t.queue, params }, async (conn) => {
    const valid = validateSchedule(t.queue, input);
    const id = t.schedulerId;
    const [live, paused] = await Promise.all([readLiveScheduler(conn, t.queue, id), getPausedSchedule(conn, t.queue, id)]);
    if (input.expectNew && (live || paused)) {
      throw new ConflictError(`A schedule with id "${id}" already exists in queue "${t.queue}"${live ? '' : ' (paused)'}: choose another id, or edit that one`);
    }
    const definedInCode = isDefinedInCode(t.queue, id);
    const codeNote = definedInCode ? ' It is defined in code: the next worker start overwrites this change.' : '';

    if (paused && !live) {
      const { queue: _queue, ...entry } = paused;
      void _queue;
      await replacePausedSchedule(conn, t.queue, { ...entry, scheduler: definitionOf(id, valid, paused.scheduler.iterationCount) });
      // Worker starts leave a paused schedule alone; the code's definition comes back after a resume.
      const pausedNote = definedInCode ? ' It is defined in code: once it is resumed, the next worker start overwrites this change.' : '';
      return { result: { message: `Schedule "${id}" updated; it stays paused until resumed.${pausedNote}`, state: 'paused', created: false, next: null, definedInCode } };
    }

    const job = await conn.queue(t.queue).upsertJobScheduler(id, valid.repeat, valid.template);
    const next = await conn.store.schedules.nextRun(t.queue, id);
    if (!job && next === null) throw new ConflictError(`BullMQ produced no run for schedule "${id}" (its end date or limit is already reached)`);
    const when = next === null ? '' : `: next run ${formatRunTime(next, valid.repeat.tz)}`;
    return {
      result: { message: `Schedule "${id}" ${live ? 'updated' : 'created'} on ${t.queue}${when}.${live ? codeNote : ''}`, state: 'active', created: !live, next, definedInCode },
      jobIds: job?.id ? [job.id] : undefined,
    };
  });
}

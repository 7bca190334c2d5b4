// Run now: one job from the schedule's template, added like any job; the schedule (its next run,
// iteration count and limit) is untouched. Works for paused schedules too.
import 'server-only';
import type { JobsOptions } from 'bullmq';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { NotFoundError } from '@/lib/errors';
import { withKindDefaults } from '@/workers/definitions';
import { readLiveScheduler } from './get-live-scheduler';
import { getPausedSchedule } from './paused-store';
import { writableConnection } from '@/lib/actions/writable-connection';
import type { SchedulerParams } from './schema';

export async function runScheduleNow(ctx: AuditContext, t: SchedulerParams): Promise<{ message: string; jobId: string }> {
  return audited(ctx, { action: 'schedule.run', connection: t.conn, queue: t.queue, params: { id: t.schedulerId } }, async () => {
    const conn = writableConnection(ctx, t.conn, { notDeadLetterQueue: t.queue });
    const id = t.schedulerId;
    const def = (await readLiveScheduler(conn, t.queue, id)) ?? (await getPausedSchedule(conn, t.queue, id))?.scheduler;
    if (!def) throw new NotFoundError(`No schedule "${id}" in queue "${t.queue}" on connection "${t.conn}"`);
    // No repeat key on purpose: a job marked as the scheduler's would make workers try to advance it.
    // Kind defaults underneath, as for any job added from the console (older templates may lack them).
    const job = await conn.queue(t.queue).add(def.template.name, def.template.data ?? {}, withKindDefaults(t.queue, def.template.opts) as JobsOptions);
    return { result: { message: `Enqueued job ${job.id} from schedule "${id}"; the schedule is unchanged`, jobId: job.id! }, jobIds: [job.id!] };
  });
}

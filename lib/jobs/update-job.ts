// Change a job's data (validated JSON, against the registry schema when the queue has one), priority or delay.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { JobParams } from '@/lib/queues/params';
import { jobOperations as ops } from '@/lib/operations/jobs';
import { ConflictError } from '@/lib/errors';
import type { ActionOutcome, UpdateJobInput } from './schemas';
import { loadJobHandle } from './job-transition';
import { mapJobError } from './job-errors';
import { parseJsonInput, validateAgainstRegistry } from './job-data';

export async function updateJob(ctx: AuditContext, t: JobParams, input: UpdateJobInput): Promise<ActionOutcome> {
  const changes = [input.data !== undefined && 'data', input.priority !== undefined && 'priority', input.delay !== undefined && 'delay'].filter(Boolean);
  const params = { changes, priority: input.priority, delay: input.delay };
  return audited(ctx, ops.updateJob, { connection: t.conn, queue: t.queue, jobIds: [t.id], params }, async (conn) => {
    const data = input.data === undefined ? undefined : parseJsonInput(input.data, 'data');
    const { job, name, state } = await loadJobHandle(conn, t.queue, t.id);
    try {
      if (data !== undefined) {
        validateAgainstRegistry(t.queue, name, data);
        await job.updateData(data);
      }
      if (input.priority !== undefined) {
        if (!['waiting', 'prioritized', 'delayed'].includes(state)) {
          throw new ConflictError(`Job ${t.id} is ${state}: priority can only change while it waits`);
        }
        await job.changePriority({ priority: input.priority });
      }
      if (input.delay !== undefined) {
        if (state !== 'delayed') throw new ConflictError(`Job ${t.id} is ${state}: only a delayed job's delay can change`);
        await job.changeDelay(input.delay);
      }
    } catch (err) {
      throw mapJobError(err, { ...t, state }, t.conn);
    }
    return { result: { message: `Job ${t.id}: ${changes.join(', ')} updated` } };
  });
}

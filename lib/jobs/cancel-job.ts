// Cancel an active job through the workers' cancellation channel; says plainly when no worker listens.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { JobParams } from '@/lib/queues/params';
import { jobOperations as ops } from '@/lib/operations/jobs';
import { ConflictError } from '@/lib/errors';
import type { ActionOutcome, CancelInput } from './schemas';
import { loadJobHandle } from './job-transition';
import { requestJobCancel } from '@/lib/cancellation';

export async function cancelJob(ctx: AuditContext, t: JobParams, input: CancelInput = {}): Promise<ActionOutcome & { delivered: boolean }> {
  return audited(ctx, ops.cancelJob, { connection: t.conn, queue: t.queue, jobIds: [t.id], params: { reason: input.reason } }, async (conn) => {
    const { state } = await loadJobHandle(conn, t.queue, t.id);
    if (state !== 'active') throw new ConflictError(`Job ${t.id} is ${state}, not active: only running jobs can be cancelled`);
    const result = await requestJobCancel({ records: conn.records, queue: t.queue, jobId: t.id, requestedBy: ctx.actor.name, reason: input.reason });
    if (!result.delivered) throw new ConflictError(result.message);
    return { result: { message: result.message, delivered: true }, details: { worker: result.cancelledBy } };
  });
}

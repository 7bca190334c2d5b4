// Remove one job with its logs (a running job is locked by its worker: cancel it first).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { JobParams } from '@/lib/queues/params';
import { jobOperations as ops } from '@/lib/operations/jobs';
import type { ActionOutcome } from './schemas';
import { applyTransition, loadJobHandle, mayRemoveFlowParentOn } from './job-transition';
import { hasRole } from '@/lib/auth/roles';

export async function removeJob(ctx: AuditContext, t: JobParams): Promise<ActionOutcome> {
  return audited(ctx, ops.removeJob, { connection: t.conn, queue: t.queue, jobIds: [t.id] }, async (conn) => {
    const handle = await loadJobHandle(conn, t.queue, t.id);
    await applyTransition(conn, t.queue, handle, 'remove', { mayRemoveUnprocessed: hasRole(ctx.actor.role, 'admin'), mayRemoveFlowParent: mayRemoveFlowParentOn(ctx.actor, t.conn) });
    return { result: { message: `Job ${t.id} removed (was ${handle.state})` } };
  });
}

// Retry a failed or completed job: back to waiting, keeping its attempts count.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { JobParams } from '@/lib/queues/params';
import { jobOperations as ops } from '@/lib/operations/jobs';
import type { ActionOutcome } from './schemas';
import { applyTransition, loadJobHandle } from './job-transition';

export async function retryJob(ctx: AuditContext, t: JobParams): Promise<ActionOutcome> {
  return audited(ctx, ops.retryJob, { connection: t.conn, queue: t.queue, jobIds: [t.id] }, async (conn) => {
    const handle = await loadJobHandle(conn, t.queue, t.id);
    await applyTransition(conn, t.queue, handle, 'retry');
    return { result: { message: `Job ${t.id} moved from ${handle.state} back to waiting`, state: 'waiting' } };
  });
}

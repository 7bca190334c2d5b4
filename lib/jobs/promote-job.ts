// Promote a delayed job: it runs as soon as a worker is free.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { JobParams } from '@/lib/queues/params';
import { jobOperations as ops } from '@/lib/operations/jobs';
import type { ActionOutcome } from './schemas';
import { applyTransition, loadJobHandle } from './job-transition';

export async function promoteJob(ctx: AuditContext, t: JobParams): Promise<ActionOutcome> {
  return audited(ctx, ops.promoteJob, { connection: t.conn, queue: t.queue, jobIds: [t.id] }, async (conn) => {
    const handle = await loadJobHandle(conn, t.queue, t.id);
    await applyTransition(conn, t.queue, handle, 'promote');
    return { result: { message: `Job ${t.id} promoted: it runs as soon as a worker is free`, state: 'waiting' } };
  });
}

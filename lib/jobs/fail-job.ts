// Fail a job permanently (BullMQ 6 has no job.discard()): a running job is aborted through the workers
// with no retry; a waiting, delayed or prioritized job moves straight to failed (or is removed, when
// its removeOnFail says so). Flow children are refused: see lib/redis/lua/fail-job-1.ts. On PostgreSQL
// both answer a precise 501 (lib/store/postgres/postgres-actions.ts says why).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { JobParams } from '@/lib/queues/params';
import { jobOperations as ops } from '@/lib/operations/jobs';
import { ConflictError } from '@/lib/errors';
import type { ActionOutcome, CancelInput } from './schemas';
import { applyTransition, loadJobHandle } from './job-transition';
import { requestJobCancel } from '@/lib/cancellation';

export async function failJob(ctx: AuditContext, t: JobParams, input: CancelInput = {}): Promise<ActionOutcome> {
  return audited<ActionOutcome>(ctx, ops.failJob, { connection: t.conn, queue: t.queue, jobIds: [t.id], params: { reason: input.reason } }, async (conn) => {
    const handle = await loadJobHandle(conn, t.queue, t.id);
    if (handle.state === 'active') {
      const result = await requestJobCancel({ records: conn.records, queue: t.queue, jobId: t.id, requestedBy: ctx.actor.name, reason: input.reason, mode: 'fail' });
      if (!result.delivered) throw new ConflictError(result.message);
      return { result: { message: result.message } };
    }
    const reason = `failed permanently by ${ctx.actor.name}${input.reason ? `: ${input.reason}` : ''}`;
    const moved = await applyTransition(conn, t.queue, handle, 'fail', { reason });
    if (moved.removed) return { result: { message: `Job ${t.id} failed permanently and removed, as its removeOnFail option asks: ${reason}` } };
    return { result: { message: `Job ${t.id} moved from ${handle.state} to failed: ${reason}`, state: 'failed' } };
  });
}

// A new job with the same name, data and options (minus id, scheduler and deduplication).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { JobParams } from '@/lib/queues/params';
import { jobOperations as ops } from '@/lib/operations/jobs';
import type { ActionOutcome } from './schemas';
import { loadJobHandle } from './job-transition';
import { getJobField } from './get-job-field';
import { copyableJobOptions } from './copy-options';

export async function duplicateJob(ctx: AuditContext, t: JobParams): Promise<ActionOutcome> {
  return audited(ctx, ops.duplicateJob, { connection: t.conn, queue: t.queue, jobIds: [t.id] }, async (conn) => {
    const { job, name } = await loadJobHandle(conn, t.queue, t.id);
    const data = await getJobField(conn, t.queue, t.id, 'data', -1);
    const opts = copyableJobOptions(job.opts as Record<string, unknown>, { keepDelay: true });
    const copy = await conn.queue(t.queue).add(name, data.text ? JSON.parse(data.text) : {}, opts);
    return { result: { message: `Duplicated job ${t.id} as job ${copy.id}`, jobId: copy.id }, details: { newJobId: copy.id } };
  });
}

// Add a job from the console: name, JSON data (checked against the queue's registry schema when
// Drover's workers declare one) and the common options over the kind's default job options.
import 'server-only';
import type { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from '@/lib/queues/params';
import { ConflictError } from '@/lib/errors';
import { jobOperations as ops } from '@/lib/operations/jobs';
import type { addJobInputSchema } from './schemas';
import { withKindDefaults } from '@/lib/job-kinds/registry';
import { parseJsonInput, validateAgainstRegistry } from './job-data';
import { jobStateOf } from './job-transition';

export async function addJob(ctx: AuditContext, target: QueueParams, input: z.infer<typeof addJobInputSchema>): Promise<{ message: string; jobId: string }> {
  return audited(ctx, ops.addJob, { connection: target.conn, queue: target.queue, params: { name: input.name, opts: input.opts } }, async (conn) => {
    const data = parseJsonInput(input.data ?? {}, 'data');
    validateAgainstRegistry(target.queue, input.name, data);
    const queue = conn.queue(target.queue);
    if (input.opts.jobId && (await jobStateOf(conn, target.queue, input.opts.jobId)) !== 'missing') {
      throw new ConflictError(`A job with id ${input.opts.jobId} already exists in "${target.queue}"`);
    }
    // A queue Drover's workers run gets its kind's attempts, backoff and retention unless given here.
    const job = await queue.add(input.name, data, withKindDefaults(target.queue, input.opts) as JobsOptions);
    const deduplicated = input.opts.deduplication && job.id !== input.opts.jobId && job.deduplicationId === undefined;
    return {
      result: { message: deduplicated ? `Deduplicated: job ${job.id} already holds id ${input.opts.deduplication!.id}` : `Added job ${job.id} to ${target.queue}`, jobId: job.id! },
      jobIds: [job.id!],
    };
  });
}

'use server';
// Server actions for job pages and tables; each calls the same function as its /api/v1 route.
import { z } from 'zod';
import { serverAction } from '@/lib/api/server-action';
import { jobParamsSchema, queueParamsSchema } from '@/lib/queues/params';
import { cancelInputSchema, cancelJob, duplicateJob, failJob, promoteJob, removeJob, retryJob, updateJob, updateJobInputSchema } from '@/lib/actions/job-actions';
import { addJob, addJobInputSchema } from '@/lib/actions/add-job';
import { bulkInputSchema, bulkJobAction } from '@/lib/actions/bulk-actions';

const target = jobParamsSchema;
const split = <T extends z.infer<typeof jobParamsSchema>>(input: T) => {
  const { conn, queue, id, ...rest } = input;
  return [{ conn, queue, id }, rest] as const;
};

export const retryJobAction = serverAction({ role: 'operator', audit: 'job.retry', input: target }, (i, ctx) => retryJob(ctx, i));
export const removeJobAction = serverAction({ role: 'operator', audit: 'job.remove', input: target }, (i, ctx) => removeJob(ctx, i));
export const promoteJobAction = serverAction({ role: 'operator', audit: 'job.promote', input: target }, (i, ctx) => promoteJob(ctx, i));
export const duplicateJobAction = serverAction({ role: 'operator', audit: 'job.duplicate', input: target }, (i, ctx) => duplicateJob(ctx, i));

export const cancelJobAction = serverAction({ role: 'operator', audit: 'job.cancel', input: target.extend(cancelInputSchema.shape) }, (i, ctx) => {
  const [t, rest] = split(i);
  return cancelJob(ctx, t, rest);
});

export const failJobAction = serverAction({ role: 'operator', audit: 'job.fail', input: target.extend(cancelInputSchema.shape) }, (i, ctx) => {
  const [t, rest] = split(i);
  return failJob(ctx, t, rest);
});

export const updateJobAction = serverAction(
  { role: 'operator', audit: 'job.update', input: z.object({ target, change: updateJobInputSchema }) },
  (i, ctx) => updateJob(ctx, i.target, i.change),
);

export const addJobAction = serverAction({ role: 'operator', audit: 'job.add', input: z.object({ target: queueParamsSchema, job: addJobInputSchema }) }, (i, ctx) =>
  addJob(ctx, i.target, i.job),
);

export const bulkJobsAction = serverAction({ role: 'operator', audit: 'jobs.bulk', input: z.object({ target: queueParamsSchema, bulk: bulkInputSchema }) }, (i, ctx) =>
  bulkJobAction(ctx, i.target, i.bulk),
);

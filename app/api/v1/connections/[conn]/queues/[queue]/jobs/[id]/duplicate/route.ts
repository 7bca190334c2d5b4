// POST …/jobs/{id}/duplicate — a new job with the same name, data and options.
import { jobActionRoute } from '@/lib/actions/job-action-route';
import { duplicateJob } from '@/lib/actions/job-actions';

export const POST = jobActionRoute('job.duplicate', undefined, (ctx, t) => duplicateJob(ctx, t));

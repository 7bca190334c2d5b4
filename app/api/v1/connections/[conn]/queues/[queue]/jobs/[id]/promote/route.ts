// POST …/jobs/{id}/promote — a delayed job runs now.
import { jobActionRoute } from '@/lib/actions/job-action-route';
import { promoteJob } from '@/lib/actions/job-actions';

export const POST = jobActionRoute('job.promote', undefined, (ctx, t) => promoteJob(ctx, t));

// POST …/jobs/{id}/retry — a failed or completed job back to waiting.
import { jobActionRoute } from '@/lib/actions/job-action-route';
import { retryJob } from '@/lib/actions/job-actions';

export const POST = jobActionRoute('job.retry', undefined, (ctx, t) => retryJob(ctx, t));

// POST …/jobs/{id}/fail { reason? } — fail permanently, without retry (BullMQ 6 has no discard()).
import { jobActionRoute } from '@/lib/actions/job-action-route';
import { cancelInputSchema, failJob } from '@/lib/actions/job-actions';

export const POST = jobActionRoute('job.fail', cancelInputSchema, (ctx, t, body) => failJob(ctx, t, body));

// POST …/jobs/{id}/cancel { reason? } — abort an active job through the Drover workers running it (409 when none listens).
import { jobActionRoute } from '@/lib/actions/job-action-route';
import { cancelInputSchema, cancelJob } from '@/lib/actions/job-actions';

export const POST = jobActionRoute('job.cancel', cancelInputSchema, (ctx, t, body) => cancelJob(ctx, t, body));

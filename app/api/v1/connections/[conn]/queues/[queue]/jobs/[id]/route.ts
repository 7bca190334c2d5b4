// GET …/jobs/{id} — the job without data/return value; PATCH { data?, priority?, delay? }; DELETE removes it.
import { apiRoute } from '@/lib/api/api-route';
import { jobParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getJob } from '@/lib/jobs/get-job';
import { removeJob, updateJob, updateJobInputSchema } from '@/lib/actions/job-actions';
import { MAX_JOB_DATA_BYTES } from '@/lib/actions/job-data';

export const GET = apiRoute({ role: 'viewer', params: jobParamsSchema }, async ({ params }) => {
  return getJob(getConnection(params.conn), params.queue, params.id);
});

export const PATCH = apiRoute(
  { role: 'operator', audit: 'job.update', params: jobParamsSchema, body: updateJobInputSchema, maxBodyBytes: MAX_JOB_DATA_BYTES + 64 * 1024 },
  async ({ params, body, audit }) => updateJob(audit, params, body),
);

export const DELETE = apiRoute({ role: 'operator', audit: 'job.remove', params: jobParamsSchema }, async ({ params, audit }) => removeJob(audit, params));

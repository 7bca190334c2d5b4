// GET …/jobs/{id} — the job without its data and return value (fetched separately), with children.
import { apiRoute } from '@/lib/api/api-route';
import { jobParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getJob } from '@/lib/jobs/get-job';

export const GET = apiRoute({ role: 'viewer', params: jobParamsSchema }, async ({ params }) => {
  return getJob(getConnection(params.conn), params.queue, params.id);
});

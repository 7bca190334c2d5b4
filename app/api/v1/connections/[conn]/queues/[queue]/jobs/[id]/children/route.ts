// GET …/jobs/{id}/children — a flow parent's children (first 100 per group) with their states.
import { apiRoute } from '@/lib/api/api-route';
import { jobParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getJobChildren } from '@/lib/jobs/get-job-children';

export const GET = apiRoute({ role: 'viewer', params: jobParamsSchema }, async ({ params }) => {
  return { children: await getJobChildren(getConnection(params.conn), params.queue, params.id) };
});

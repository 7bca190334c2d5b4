// GET …/jobs?state=&page=&size=&order=&name= — one page of a state, summary fields only.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { listJobs, listJobsQuerySchema } from '@/lib/jobs/list-jobs';

export const GET = apiRoute({ role: 'viewer', params: queueParamsSchema, query: listJobsQuerySchema }, async ({ params, query }) => {
  return listJobs(getConnection(params.conn), params.queue, query);
});

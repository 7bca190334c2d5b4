// GET …/jobs/{id}/logs?start=&end= — log lines in write order, with the total count.
import { apiRoute } from '@/lib/api/api-route';
import { jobParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getJobLogs, logsQuerySchema } from '@/lib/jobs/get-job-logs';

export const GET = apiRoute({ role: 'viewer', params: jobParamsSchema, query: logsQuerySchema }, async ({ params, query }) => {
  return getJobLogs(getConnection(params.conn), params.queue, params.id, query.start, query.end);
});

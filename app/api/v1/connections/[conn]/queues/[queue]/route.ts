// GET /api/v1/connections/{conn}/queues/{queue} — counts, flags, limits, workers, schedulers.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getQueue } from '@/lib/queues/get-queue';

export const GET = apiRoute({ role: 'viewer', params: queueParamsSchema }, async ({ params }) => {
  return getQueue(getConnection(params.conn), params.queue);
});

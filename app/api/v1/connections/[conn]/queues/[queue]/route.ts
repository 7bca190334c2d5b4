// GET …/queues/{queue} — counts, flags, limits, workers, schedulers; DELETE { confirm: "<queue>", force? } obliterates (admin).
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getQueue } from '@/lib/queues/get-queue';
import { obliterateInputSchema, obliterateQueue } from '@/lib/actions/queue-actions';

export const GET = apiRoute({ role: 'viewer', params: queueParamsSchema }, async ({ params }) => {
  return getQueue(getConnection(params.conn), params.queue);
});

export const DELETE = apiRoute(
  { role: 'admin', audit: 'queue.obliterate', params: queueParamsSchema, body: obliterateInputSchema },
  async ({ params, body, audit }) => obliterateQueue(audit, params, body),
);

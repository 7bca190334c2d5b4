// GET …/queues/{queue}/metrics?range=1h|6h|24h|7d — depth by state (sampler points) and throughput per minute (BullMQ metrics).
import { z } from 'zod';
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getQueueMetrics } from '@/lib/metrics/queue-metrics';
import { rangeSchema } from '@/lib/metrics/settings';

const querySchema = z.object({ range: rangeSchema.default('1h') });

export const GET = apiRoute({ role: 'viewer', params: queueParamsSchema, query: querySchema }, async ({ params, query }) =>
  getQueueMetrics(getConnection(params.conn), params.queue, query.range),
);

// GET …/queues/{queue}/metrics/latency — wait and processing time p50/p95/p99, overall and per job name,
// from the 1,000 most recently completed jobs.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getQueueLatency } from '@/lib/metrics/latency';

export const GET = apiRoute({ role: 'viewer', params: queueParamsSchema }, async ({ params }) => getQueueLatency(getConnection(params.conn), params.queue));

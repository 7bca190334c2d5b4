// POST …/queues/{queue}/drain { includeDelayed? } (admin) — remove waiting jobs in bounded batches.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { drainInputSchema, drainQueue } from '@/lib/actions/queue-actions';

export const POST = apiRoute({ role: 'admin', audit: 'queue.drain', params: queueParamsSchema, body: drainInputSchema }, async ({ params, body, audit }) => drainQueue(audit, params, body));

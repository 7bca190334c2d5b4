// PUT …/queues/{queue}/limits { concurrency: n | null, rateLimit: { max, duration } | null }
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { limitsInputSchema, setQueueLimits } from '@/lib/actions/queue-actions';

export const PUT = apiRoute({ role: 'operator', audit: 'queue.limits', params: queueParamsSchema, body: limitsInputSchema }, async ({ params, body, audit }) => setQueueLimits(audit, params, body));

// POST …/queues/{queue}/clean { state, olderThanMs } — remove a state's jobs older than an age.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { cleanInputSchema, cleanQueue } from '@/lib/actions/queue-actions';

export const POST = apiRoute({ role: 'operator', audit: 'queue.clean', params: queueParamsSchema, body: cleanInputSchema }, async ({ params, body, audit }) => cleanQueue(audit, params, body));

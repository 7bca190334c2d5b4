// POST …/queues/{queue}/resume
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { resumeQueue } from '@/lib/actions/queue-actions';

export const POST = apiRoute({ role: 'operator', audit: 'queue.resume', params: queueParamsSchema }, async ({ params, audit }) => resumeQueue(audit, params));

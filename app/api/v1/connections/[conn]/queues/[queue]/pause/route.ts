// POST …/queues/{queue}/pause — workers stop taking new jobs.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { pauseQueue } from '@/lib/actions/queue-actions';

export const POST = apiRoute({ role: 'operator', audit: 'queue.pause', params: queueParamsSchema }, async ({ params, audit }) => pauseQueue(audit, params));

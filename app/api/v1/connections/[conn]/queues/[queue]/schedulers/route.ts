// GET …/queues/{queue}/schedulers — the queue's job schedulers (live and paused) and legacy repeatables.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { listSchedules } from '@/lib/schedules/list-schedules';

export const GET = apiRoute({ role: 'viewer', params: queueParamsSchema }, async ({ params }) => listSchedules({ queue: `${params.conn}/${params.queue}` }));

// POST …/schedulers/{schedulerId}/pause — store the definition and remove the scheduler until resumed.
import { apiRoute } from '@/lib/api/api-route';
import { schedulerParamsSchema } from '@/lib/schedules/schema';
import { pauseSchedule } from '@/lib/schedules/pause-schedule';

export const POST = apiRoute({ role: 'operator', audit: 'schedule.pause', params: schedulerParamsSchema }, async ({ params, audit }) => pauseSchedule(audit, params));

// POST …/schedulers/{schedulerId}/run — enqueue one job from the template now; the schedule is untouched.
import { apiRoute } from '@/lib/api/api-route';
import { schedulerParamsSchema } from '@/lib/schedules/schema';
import { runScheduleNow } from '@/lib/schedules/run-schedule-now';

export const POST = apiRoute({ role: 'operator', audit: 'schedule.run', params: schedulerParamsSchema }, async ({ params, audit }) => runScheduleNow(audit, params));

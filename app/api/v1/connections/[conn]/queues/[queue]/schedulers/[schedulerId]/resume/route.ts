// POST …/schedulers/{schedulerId}/resume — upsert the paused definition again, exactly.
import { apiRoute } from '@/lib/api/api-route';
import { schedulerParamsSchema } from '@/lib/schedules/schema';
import { resumeSchedule } from '@/lib/schedules/resume-schedule';

export const POST = apiRoute({ role: 'operator', audit: 'schedule.resume', params: schedulerParamsSchema }, async ({ params, audit }) => resumeSchedule(audit, params));

// GET …/schedulers/{schedulerId} — one schedule; PUT creates or replaces it; DELETE removes it
// (?only=live|paused to remove just the live scheduler or just its paused copy).
import { apiRoute } from '@/lib/api/api-route';
import { MAX_JOB_DATA_BYTES } from '@/lib/actions/job-data';
import { deleteScheduleQuerySchema, scheduleInputSchema, schedulerParamsSchema } from '@/lib/schedules/schema';
import { getSchedule } from '@/lib/schedules/list-schedules';
import { upsertSchedule } from '@/lib/schedules/upsert-schedule';
import { deleteSchedule } from '@/lib/schedules/delete-schedule';

export const GET = apiRoute({ role: 'viewer', params: schedulerParamsSchema }, async ({ params }) => getSchedule(params));

export const PUT = apiRoute(
  { role: 'operator', audit: 'schedule.upsert', params: schedulerParamsSchema, body: scheduleInputSchema, maxBodyBytes: MAX_JOB_DATA_BYTES + 64 * 1024 },
  async ({ params, body, audit }) => upsertSchedule(audit, params, body),
);

export const DELETE = apiRoute({ role: 'operator', audit: 'schedule.delete', params: schedulerParamsSchema, query: deleteScheduleQuerySchema }, async ({ params, query, audit }) =>
  deleteSchedule(audit, params, query),
);

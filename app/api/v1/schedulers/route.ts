// GET /api/v1/schedulers[?conn=…|?queue=<conn>/<queue>] — every job scheduler (live and paused) and
// legacy repeatable, with next runs and last outcomes.
import { apiRoute } from '@/lib/api/api-route';
import { scheduleListQuerySchema } from '@/lib/schedules/schema';
import { listSchedules } from '@/lib/schedules/list-schedules';

export const GET = apiRoute({ role: 'viewer', query: scheduleListQuerySchema }, async ({ query }) => listSchedules(query));

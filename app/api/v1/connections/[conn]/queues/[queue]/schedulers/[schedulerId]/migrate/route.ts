// POST …/schedulers/{legacy key, URL-encoded}/migrate { id?, template? } — turn a BullMQ 5 repeatable
// into a job scheduler.
import { apiRoute } from '@/lib/api/api-route';
import { MAX_JOB_DATA_BYTES } from '@/lib/actions/job-data';
import { migrateLegacyInputSchema, schedulerParamsSchema } from '@/lib/schedules/schema';
import { migrateLegacyRepeatable } from '@/lib/schedules/migrate-legacy-repeatable';

export const POST = apiRoute(
  { role: 'operator', audit: 'schedule.migrate', params: schedulerParamsSchema, body: migrateLegacyInputSchema, maxBodyBytes: MAX_JOB_DATA_BYTES + 64 * 1024 },
  async ({ params, body, audit }) => migrateLegacyRepeatable(audit, params, body),
);

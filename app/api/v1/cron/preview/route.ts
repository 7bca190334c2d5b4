// POST /api/v1/cron/preview { pattern | every, tz?, startDate?, endDate?, count? } — next run times
// in the zone with DST transitions marked, or a 400 naming the wrong field. Changes nothing.
import { apiRoute } from '@/lib/api/api-route';
import { cronPreviewInputSchema } from '@/lib/schedules/schema';
import { previewCron } from '@/lib/schedules/preview-cron';

export const POST = apiRoute({ role: 'viewer', body: cronPreviewInputSchema, maxBodyBytes: 16 * 1024 }, async ({ body }) => previewCron(body));

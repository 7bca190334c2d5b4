// Shared by GET …/jobs/{id}/data and …/returnvalue: a bounded JSON view, or the raw value as a download.
import 'server-only';
import { z } from 'zod';
import { apiRoute } from '@/lib/api/api-route';
import { jobParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { EXPANDED_LIMIT, INLINE_LIMIT, getJobField, type JobField } from './get-job-field';

const query = z.object({
  limit: z.coerce.number().int().min(0).max(EXPANDED_LIMIT).default(INLINE_LIMIT),
  raw: z.enum(['0', '1']).optional(),
});

export function jobFieldRoute(field: JobField) {
  return apiRoute({ role: 'viewer', params: jobParamsSchema, query, expensive: (q) => (q.raw === '1' ? 'download' : undefined) }, async ({ params, query }) => {
    const conn = getConnection(params.conn);
    if (query.raw === '1') {
      const value = await getJobField(conn, params.queue, params.id, field, -1);
      const filename = `${params.queue}-${params.id}-${field}.json`.replace(/[^\w.-]/g, '_');
      return new Response(value.text, {
        headers: {
          // Served as an attachment with a JSON type: never rendered as a page.
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Disposition': `attachment; filename="${filename}"`,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-store',
        },
      });
    }
    return getJobField(conn, params.queue, params.id, field, query.limit);
  });
}

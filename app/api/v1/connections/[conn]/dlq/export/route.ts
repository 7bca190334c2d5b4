// GET …/dlq/export?queue=&group=&name=&q=&from=&to=&olderThanMs= — matching dead letters as NDJSON, streamed.
import { apiRoute } from '@/lib/api/api-route';
import { getConnection } from '@/lib/redis/connections';
import { dlqParamsSchema } from '@/lib/dlq/params';
import { deadLetterFilterSchema } from '@/lib/dlq/filter';
import { exportDeadLetters } from '@/lib/dlq/export-dead-letters';

export const GET = apiRoute({ role: 'viewer', params: dlqParamsSchema, query: deadLetterFilterSchema, expensive: 'download' }, async ({ request, params, query }) => {
  const conn = getConnection(params.conn);
  const filename = `dead-letters-${conn.name}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.ndjson`;
  return new Response(exportDeadLetters(conn, query, request.signal), {
    headers: {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
});

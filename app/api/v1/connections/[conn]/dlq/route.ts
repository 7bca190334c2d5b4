// GET …/dlq?queue=&group=&name=&q=&from=&to=&page=&size= — one page of dead letters, newest failure first.
import { apiRoute } from '@/lib/api/api-route';
import { getConnection } from '@/lib/redis/connections';
import { dlqParamsSchema } from '@/lib/dlq/params';
import { listDeadLetters, listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';

export const GET = apiRoute({ role: 'viewer', params: dlqParamsSchema, query: listDeadLettersQuerySchema, expensive: (q) => (q.q || q.name ? 'search' : undefined) }, async ({ params, query }) =>
  listDeadLetters(getConnection(params.conn), query),
);

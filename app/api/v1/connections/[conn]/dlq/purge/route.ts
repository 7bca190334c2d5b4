// POST …/dlq/purge — { ids } or { filter } (an error group, an origin queue, olderThanMs…): delete for good.
import { apiRoute } from '@/lib/api/api-route';
import { dlqParamsSchema } from '@/lib/dlq/params';
import { purgeDeadLetters, purgeInputSchema } from '@/lib/dlq/purge-dead-letters';

export const POST = apiRoute(
  { role: 'admin', audit: 'dlq.purge', params: dlqParamsSchema, body: purgeInputSchema, maxBodyBytes: 8 * 1024 * 1024 },
  async ({ params, body, audit }) => purgeDeadLetters(audit, params.conn, body),
);

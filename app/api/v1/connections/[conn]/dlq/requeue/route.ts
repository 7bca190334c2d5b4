// POST …/dlq/requeue — { ids, data? } or { filter }: back to the origin queues as fresh jobs, in batches.
import { apiRoute } from '@/lib/api/api-route';
import { dlqParamsSchema } from '@/lib/dlq/params';
import { requeueDeadLetters, requeueInputSchema } from '@/lib/dlq/requeue-dead-letters';

export const POST = apiRoute(
  { role: 'operator', audit: 'dlq.requeue', params: dlqParamsSchema, body: requeueInputSchema, maxBodyBytes: 8 * 1024 * 1024 },
  async ({ params, body, audit }) => requeueDeadLetters(audit, params.conn, body),
);

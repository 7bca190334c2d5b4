// POST …/jobs/bulk — { action, ids } or { action, state, olderThanMs? }: retry / remove / promote / fail in batches.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { bulkInputSchema, bulkJobAction } from '@/lib/actions/bulk-actions';

export const POST = apiRoute(
  { role: 'operator', audit: 'jobs.bulk', params: queueParamsSchema, body: bulkInputSchema, maxBodyBytes: 8 * 1024 * 1024 },
  async ({ params, body, audit }) => bulkJobAction(audit, params, body),
);

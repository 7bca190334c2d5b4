// POST /api/v1/connections/{conn}/resume-all — resume every queue of the connection.
import { z } from 'zod';
import { apiRoute } from '@/lib/api/api-route';
import { connectionNameSchema } from '@/lib/config/schema';
import { setConnectionPaused } from '@/lib/actions/queue-actions';

export const POST = apiRoute({ role: 'operator', audit: 'connection.resume-all', params: z.object({ conn: connectionNameSchema }) }, async ({ params, audit }) =>
  setConnectionPaused(audit, params.conn, false),
);

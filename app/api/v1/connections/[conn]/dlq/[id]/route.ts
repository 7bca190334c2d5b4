// GET …/dlq/{id}?data=1 — one dead letter's origin facts; with data=1 also the origin job's data (≤ 4 MB).
import { z } from 'zod';
import { apiRoute } from '@/lib/api/api-route';
import { getConnection } from '@/lib/redis/connections';
import { deadLetterParamsSchema } from '@/lib/dlq/params';
import { getDeadLetter } from '@/lib/dlq/get-dead-letter';

const query = z.object({ data: z.enum(['0', '1']).optional() }).strict();

export const GET = apiRoute({ role: 'viewer', params: deadLetterParamsSchema, query }, async ({ params, query }) =>
  getDeadLetter(getConnection(params.conn), params.id, { includeData: query.data === '1' }),
);

// GET …/jobs/{id}/attempts — every attempt recorded by Drover's worker runtime (newest first).
import { apiRoute } from '@/lib/api/api-route';
import { jobParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { readAttempts } from '@/lib/attempts';

export const GET = apiRoute({ role: 'viewer', params: jobParamsSchema }, async ({ params }) => {
  const conn = getConnection(params.conn);
  return { attempts: await readAttempts(conn.redis, conn.prefix, params.queue, params.id) };
});

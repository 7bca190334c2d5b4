// GET /api/v1/queues — every queue of every connection with counts, workers and throughput.
import { z } from 'zod';
import { apiRoute } from '@/lib/api/api-route';
import { getOverview } from '@/lib/queues/get-overview';

const query = z.object({ refresh: z.enum(['0', '1', 'true', 'false']).optional() });

export const GET = apiRoute({ role: 'viewer', query }, async ({ query }) => {
  return getOverview({ refresh: query.refresh === '1' || query.refresh === 'true' });
});

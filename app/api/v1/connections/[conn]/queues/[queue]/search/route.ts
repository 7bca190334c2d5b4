// GET …/queues/{queue}/search?q=&field=&state=&cursor= — one bounded chunk: matches, next cursor, progress.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { searchJobs, searchQuerySchema } from '@/lib/jobs/search-jobs';

export const GET = apiRoute({ role: 'viewer', params: queueParamsSchema, query: searchQuerySchema, expensive: 'search' }, async ({ params, query }) => {
  return searchJobs(getConnection(params.conn), params.queue, query);
});

// GET …/jobs?state=&page=&size=&order=&name= — one page of a state; POST { name, data, opts } adds a job.
import { apiRoute } from '@/lib/api/api-route';
import { queueParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { listJobs, listJobsQuerySchema } from '@/lib/jobs/list-jobs';
import { addJob, addJobInputSchema } from '@/lib/actions/add-job';
import { MAX_JOB_DATA_BYTES } from '@/lib/actions/job-data';

export const GET = apiRoute({ role: 'viewer', params: queueParamsSchema, query: listJobsQuerySchema, expensive: (q) => (q.name ? 'search' : undefined) }, async ({ params, query }) => {
  return listJobs(getConnection(params.conn), params.queue, query);
});

export const POST = apiRoute(
  { role: 'operator', audit: 'job.add', params: queueParamsSchema, body: addJobInputSchema, maxBodyBytes: MAX_JOB_DATA_BYTES + 64 * 1024 },
  async ({ params, body, audit }) => Response.json(await addJob(audit, params, body), { status: 201 }),
);

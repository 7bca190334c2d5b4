// Operations on jobs: reading them (lists, search, one job with its data, logs, children, attempts)
// and acting on them (retry, promote, remove, fail, cancel, duplicate, edit, add, bulk).
import { z } from 'zod';
import { jobParamsSchema, queueParamsSchema } from '@/lib/queues/params';
import {
  INLINE_LIMIT,
  MAX_JOB_DATA_BYTES,
  actionOutcomeSchema,
  addJobInputSchema,
  bulkInputSchema,
  bulkResultSchema,
  cancelInputSchema,
  jobFieldQuerySchema,
  listJobsQuerySchema,
  logsQuerySchema,
  searchQuerySchema,
  updateJobInputSchema,
} from '@/lib/jobs/schemas';
import { countAnswerSchema, countQuerySchema, bulkQueryInputSchema, bulkQueryControlSchema, bulkQueryStatusSchema } from '@/lib/jobs/query/schemas';
import { operationIdSchema } from '@/lib/progress/operation-id';
import { connection, operation } from './define';

const JOB = '/connections/{conn}/queues/{queue}/jobs/{id}';
const JOBS = '/connections/{conn}/queues/{queue}/jobs';
const exampleJob = { conn: 'default', queue: 'email', id: '42' };
const exampleQueue = { conn: 'default', queue: 'email' };
/** Job data plus the rest of an add/edit body. */
const JOB_BODY_BYTES = MAX_JOB_DATA_BYTES + 64 * 1024;

export const jobOperations = {
  listJobs: operation({
    name: 'jobs.list', role: 'viewer', http: { method: 'GET', path: JOBS },
    summary: 'A page of one state’s jobs (summary fields only, never payloads)',
    description: 'With `name`, a server-side scan that examines at most 50,000 jobs per request and returns `filter.nextCursor` to go on. A queue that does not exist answers 404, as its summary does.',
    params: queueParamsSchema, query: listJobsQuerySchema, example: { params: exampleQueue, query: { state: 'failed', page: 1, size: 25, order: 'newest' } },
    expensive: (q) => (q.name ? 'search' : undefined),
    run: async (_ctx, { params, query }) => (await import('@/lib/jobs/list-jobs')).listJobs(connection(params.conn), params.queue, query),
  }),
  searchJobs: operation({
    name: 'jobs.search', role: 'viewer', http: { method: 'GET', path: '/connections/{conn}/queues/{queue}/search' },
    summary: 'One bounded chunk of a whole-queue search with the job query language: matches, the next cursor (null when done), progress',
    description: '`q` is a query (README, "Finding jobs"): qualifiers such as `state:failed`, `name:send-*`, `data.user.plan:business`, `data.amount:>100`, `error:~ECONNREFUSED`, `finished:>-1h`, `attempts:>=3`, combined with AND, `-` to negate, free words searching every text field. A malformed query answers 400 naming the position. `field` other than `any` searches the whole text in one field (the form before the language).',
    params: queueParamsSchema, query: searchQuerySchema, example: { params: exampleQueue, query: { q: 'state:failed error:~ECONNREFUSED data.user.plan:business', state: 'all', budget: 8 } },
    expensive: 'search',
    run: async (_ctx, { params, query }) => (await import('@/lib/jobs/search-jobs')).searchJobs(connection(params.conn), params.queue, query),
  }),
  countQuery: operation({
    name: 'jobs.count', role: 'viewer', http: { method: 'GET', path: '/connections/{conn}/queues/{queue}/count' },
    summary: 'The dry run of a bulk action on a query: one bounded step of counting its matches (at least `matched` while `cursor` is not null, exact once it is)',
    params: queueParamsSchema, query: countQuerySchema, output: countAnswerSchema, example: { params: exampleQueue, query: { q: 'state:failed error:~ECONNREFUSED', state: 'all' } },
    expensive: 'search',
    run: async (_ctx, { params, query }) => (await import('@/lib/jobs/query/count-query')).countQuery(connection(params.conn), params.queue, query),
  }),
  bulkQuery: operation({
    name: 'jobs.bulkQuery', role: 'operator', http: { method: 'POST', path: '/connections/{conn}/queues/{queue}/bulk-query', status: 202 }, action: 'bulkQueryAction',
    summary: 'Retry, remove, promote, fail, send to the DLQ, re-prioritize or re-delay every job a query matches, at `rate` jobs per second; answers at once with the operation id',
    description: 'The console collects the matches (at most 250,000), then acts in batches, re-checking each job first: one that changed state, vanished or no longer matches is skipped. Follow it with GET /bulk-operations/{id}; pause, resume or cancel with POST /bulk-operations/{id}/control. Removing or failing with a query that walks states of jobs that have not run (no `state:failed`/`state:completed`) needs the admin role. Audited once, when it ends, with the query and the counts.',
    params: queueParamsSchema, body: bulkQueryInputSchema, example: { params: exampleQueue, body: { q: 'state:failed error:~ECONNREFUSED', state: 'all', action: 'retry', rate: 100, operationId: '00000000-0000-4000-8000-000000000000' } },
    escalations: [
      { role: 'admin', when: 'removing or failing jobs a query may match that have not run (it walks waiting, delayed, prioritized or waiting-children)', example: { params: exampleQueue, body: { q: 'name:probe', state: 'all', action: 'remove', rate: 100, operationId: '00000000-0000-4000-8000-000000000001' } } },
    ],
    run: async (ctx, { params, body }) => (await import('@/lib/jobs/query/bulk-query')).startBulkOnQuery(ctx, params, body),
  }),
  bulkQueryStatus: operation({
    name: 'jobs.bulkQueryStatus', role: 'operator', scope: 'filtered', http: { method: 'GET', path: '/bulk-operations/{id}' },
    summary: 'Where a bulk operation on a query stands: phase, matched, done, succeeded, skipped, failed, the first problems',
    params: z.object({ id: operationIdSchema }), output: bulkQueryStatusSchema, example: { params: { id: '00000000-0000-4000-8000-000000000000' } },
    run: async (ctx, { params }) => (await import('@/lib/jobs/query/bulk-query')).getBulkQueryStatus(params.id, ctx.actor),
  }),
  bulkQueryControl: operation({
    name: 'jobs.bulkQueryControl', role: 'operator', scope: 'filtered', http: { method: 'POST', path: '/bulk-operations/{id}/control' }, action: 'bulkQueryControlAction',
    summary: 'Pause, resume or cancel a bulk operation on a query (between two batches)',
    params: z.object({ id: operationIdSchema }), body: bulkQueryControlSchema, output: bulkQueryStatusSchema, example: { params: { id: '00000000-0000-4000-8000-000000000000' }, body: { command: 'pause' } },
    run: async (ctx, { params, body }) => (await import('@/lib/jobs/query/bulk-query')).controlBulkQuery(ctx, params.id, body.command),
  }),
  queryHints: operation({
    name: 'jobs.queryHints', role: 'viewer', http: { method: 'GET', path: '/connections/{conn}/queues/{queue}/query-hints' },
    summary: 'What the search box autocompletes: job names seen in the queue and JSON paths of recent jobs’ data and return values',
    description: 'Read from the newest 10 jobs of each state, payloads of at most 16 KB only; cached 10 s per queue.',
    params: queueParamsSchema, example: { params: exampleQueue },
    run: async (_ctx, { params }) => (await import('@/lib/jobs/query/query-hints')).queryHints(connection(params.conn), params.queue),
  }),
  getJob: operation({
    name: 'job.get', role: 'viewer', http: { method: 'GET', path: JOB },
    summary: 'One job without its data and return value (their sizes instead), with state, parent and children counts',
    params: jobParamsSchema, example: { params: exampleJob },
    run: async (ctx, { params }) => (await import('@/lib/jobs/get-job')).getJob(connection(params.conn), params.queue, params.id, ctx.actor.access),
  }),
  getJobData: operation({
    name: 'job.data', role: 'viewer', http: { method: 'GET', path: `${JOB}/data` },
    summary: 'A job’s data, cut at `limit` bytes (256 KB default, 4 MB max); `raw=1` downloads all of it',
    params: jobParamsSchema, query: jobFieldQuerySchema, example: { params: exampleJob, query: { limit: 262144 } },
    expensive: (q) => (q.raw === '1' || q.limit > INLINE_LIMIT ? 'download' : undefined),
    run: async (_ctx, { params, query }) => (await import('@/lib/jobs/get-job-field')).readJobField(connection(params.conn), params, 'data', query),
  }),
  getJobReturnValue: operation({
    name: 'job.returnvalue', role: 'viewer', http: { method: 'GET', path: `${JOB}/returnvalue` },
    summary: 'A job’s return value, cut like its data; `raw=1` downloads all of it',
    params: jobParamsSchema, query: jobFieldQuerySchema, example: { params: exampleJob, query: { limit: 262144 } },
    expensive: (q) => (q.raw === '1' || q.limit > INLINE_LIMIT ? 'download' : undefined),
    run: async (_ctx, { params, query }) => (await import('@/lib/jobs/get-job-field')).readJobField(connection(params.conn), params, 'returnvalue', query),
  }),
  getJobLogs: operation({
    name: 'job.logs', role: 'viewer', http: { method: 'GET', path: `${JOB}/logs` },
    summary: 'Log lines [start, end] of a job (at most 1,000 per request) and the total count',
    params: jobParamsSchema, query: logsQuerySchema, example: { params: exampleJob, query: { start: 0, end: 199 } },
    run: async (_ctx, { params, query }) => (await import('@/lib/jobs/get-job-logs')).getJobLogs(connection(params.conn), params.queue, params.id, query.start, query.end),
  }),
  getJobChildren: operation({
    name: 'job.children', role: 'viewer', http: { method: 'GET', path: `${JOB}/children` },
    summary: 'The children of a flow parent, with their states',
    params: jobParamsSchema, example: { params: exampleJob },
    run: async (ctx, { params }) => ({ children: await (await import('@/lib/jobs/get-job-children')).getJobChildren(connection(params.conn), params.queue, params.id, ctx.actor.access) }),
  }),
  getJobAttempts: operation({
    name: 'job.attempts', role: 'viewer', http: { method: 'GET', path: `${JOB}/attempts` },
    summary: 'The attempts Drover’s worker runtime recorded for a job (newest first, at most 25)',
    params: jobParamsSchema, example: { params: exampleJob },
    run: async (_ctx, { params }) => ({ attempts: await (await import('@/lib/attempts/read-attempts')).readJobAttempts(connection(params.conn), params.queue, params.id) }),
  }),
  retryJob: operation({
    name: 'job.retry', role: 'operator', http: { method: 'POST', path: `${JOB}/retry` }, action: 'retryJobAction',
    summary: 'Move a failed or completed job back to waiting',
    params: jobParamsSchema, output: actionOutcomeSchema, example: { params: exampleJob },
    run: async (ctx, { params }) => (await import('@/lib/jobs/retry-job')).retryJob(ctx, params),
  }),
  promoteJob: operation({
    name: 'job.promote', role: 'operator', http: { method: 'POST', path: `${JOB}/promote` }, action: 'promoteJobAction',
    summary: 'Run a delayed job now',
    params: jobParamsSchema, output: actionOutcomeSchema, example: { params: exampleJob },
    run: async (ctx, { params }) => (await import('@/lib/jobs/promote-job')).promoteJob(ctx, params),
  }),
  duplicateJob: operation({
    name: 'job.duplicate', role: 'operator', http: { method: 'POST', path: `${JOB}/duplicate` }, action: 'duplicateJobAction',
    summary: 'Add a new job with the same name, data and options (minus id, scheduler and deduplication)',
    params: jobParamsSchema, output: actionOutcomeSchema, example: { params: exampleJob },
    run: async (ctx, { params }) => (await import('@/lib/jobs/duplicate-job')).duplicateJob(ctx, params),
  }),
  cancelJob: operation({
    name: 'job.cancel', role: 'operator', http: { method: 'POST', path: `${JOB}/cancel` }, action: 'cancelJobAction',
    summary: 'Cancel a running job through the workers’ cancellation channel (409 when no worker listens)',
    params: jobParamsSchema, body: cancelInputSchema, output: actionOutcomeSchema, example: { params: exampleJob, body: { reason: 'stuck on a dead host' } },
    run: async (ctx, { params, body }) => (await import('@/lib/jobs/cancel-job')).cancelJob(ctx, params, body),
  }),
  failJob: operation({
    name: 'job.fail', role: 'operator', http: { method: 'POST', path: `${JOB}/fail` }, action: 'failJobAction',
    summary: 'Fail a job permanently, without retries (a running job through its worker)',
    params: jobParamsSchema, body: cancelInputSchema, output: actionOutcomeSchema, example: { params: exampleJob, body: { reason: 'bad input, will never succeed' } },
    run: async (ctx, { params, body }) => (await import('@/lib/jobs/fail-job')).failJob(ctx, params, body),
  }),
  updateJob: operation({
    name: 'job.update', role: 'operator', http: { method: 'PATCH', path: JOB }, action: 'updateJobAction',
    summary: 'Change a job’s data (checked against its kind’s schema), priority or delay',
    params: jobParamsSchema, body: updateJobInputSchema, output: actionOutcomeSchema, example: { params: exampleJob, body: { priority: 5 } },
    maxBodyBytes: JOB_BODY_BYTES,
    run: async (ctx, { params, body }) => (await import('@/lib/jobs/update-job')).updateJob(ctx, params, body),
  }),
  removeJob: operation({
    name: 'job.remove', role: 'operator', http: { method: 'DELETE', path: JOB }, action: 'removeJobAction',
    summary: 'Remove a job with its logs (a running job is locked: cancel it first)',
    params: jobParamsSchema, output: actionOutcomeSchema, example: { params: exampleJob },
    run: async (ctx, { params }) => (await import('@/lib/jobs/remove-job')).removeJob(ctx, params),
  }),
  addJob: operation({
    name: 'job.add', role: 'operator', http: { method: 'POST', path: JOBS, status: 201 }, action: 'addJobAction',
    summary: 'Add a job: name, JSON data (checked against the queue’s kind schema) and common options',
    params: queueParamsSchema, body: addJobInputSchema, output: z.object({ message: z.string(), jobId: z.string() }),
    maxBodyBytes: JOB_BODY_BYTES,
    example: { params: exampleQueue, body: { name: 'send', data: { to: 'a@example.com' }, opts: { attempts: 3 } } },
    run: async (ctx, { params, body }) => (await import('@/lib/jobs/add-job')).addJob(ctx, params, body),
  }),
  bulkJobs: operation({
    name: 'jobs.bulk', role: 'operator', http: { method: 'POST', path: `${JOBS}/bulk` }, action: 'bulkJobsAction',
    summary: 'Retry, remove, promote, fail or send to the DLQ: a list of ids, or every job of a state (in batches, with progress under `operationId`)',
    description: 'Removing or failing jobs that have not run yet (waiting, prioritized, delayed, waiting for children) more than one at a time needs the admin role.',
    params: queueParamsSchema, body: bulkInputSchema, output: bulkResultSchema, example: { params: exampleQueue, body: { action: 'retry', state: 'failed' } },
    maxBodyBytes: 8 * 1024 * 1024,
    escalations: [
      { role: 'admin', when: 'removing every waiting job', example: { params: exampleQueue, body: { action: 'remove', state: 'waiting' } } },
      { role: 'admin', when: 'removing every delayed job', example: { params: exampleQueue, body: { action: 'remove', state: 'delayed' } } },
    ],
    run: async (ctx, { params, body }) => (await import('@/lib/jobs/bulk-jobs')).bulkJobs(ctx, params, body),
  }),
};

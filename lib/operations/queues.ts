// Operations on queues and connections: the overview, one queue, its metrics, and the queue-level
// actions (pause, resume, limits, clean, drain, obliterate, pause/resume everything).
import { z } from 'zod';
import { connectionNameSchema } from '@/lib/config/schema';
import { queueParamsSchema } from '@/lib/queues/params';
import { cleanInputSchema, drainInputSchema, limitsInputSchema, messageSchema, obliterateInputSchema } from '@/lib/queues/schemas';
import { operationIdSchema } from '@/lib/progress/operation-id';
import { rangeSchema } from '@/lib/metrics/settings';
import { busyQuerySchema, busySchema } from '@/lib/workers/busy-schemas';
import { objectivesViewSchema, queueObjectivesSchema } from '@/lib/objectives/objective';
import { accessOf } from '@/lib/auth/principal';
import { queueFilterOf } from '@/lib/auth/queue-filter';
import { connection, operation } from './define';

const QUEUE = '/connections/{conn}/queues/{queue}';
const exampleQueue = { conn: 'default', queue: 'email' };
const connParams = z.object({ conn: connectionNameSchema });
const removed = z.object({ message: z.string(), removed: z.number() });

export const queueOperations = {
  overview: operation({
    name: 'queues.list', role: 'viewer', scope: 'filtered', http: { method: 'GET', path: '/queues' },
    summary: 'Every queue of every connection with counts, paused flag, workers, throughput and Redis facts',
    query: z.object({ refresh: z.enum(['0', '1', 'true', 'false']).optional() }), example: { query: { refresh: '0' } },
    run: async (ctx, { query }) => (await import('@/lib/queues/get-overview')).getOverview({ refresh: query.refresh === '1' || query.refresh === 'true' }, queueFilterOf(accessOf(ctx.actor))),
  }),
  busy: operation({
    name: 'workers.busy', role: 'viewer', scope: 'filtered', http: { method: 'GET', path: '/busy' },
    summary: 'What every worker process runs now: Drover runtimes from their heartbeats, other BullMQ workers from CLIENT LIST and their queues’ active jobs',
    description: 'Per connection at most 50 processes and 25 jobs per process (the longest-running first; processesTotal and jobsTotal count the rest). Other workers’ jobs come from the oldest 100 jobs of the active lists of the 20 queues running the most jobs (their lengths read first, at most 1,000 queues). Summary fields only, never payloads.',
    query: busyQuerySchema, output: busySchema, example: { query: { conn: 'default' } },
    run: async (ctx, { query }) => (await import('@/lib/workers/get-busy')).getBusy(query, queueFilterOf(accessOf(ctx.actor))),
  }),
  getQueue: operation({
    name: 'queue.get', role: 'viewer', http: { method: 'GET', path: QUEUE },
    summary: 'One queue: counts, flags, limits, workers and schedulers',
    params: queueParamsSchema, example: { params: exampleQueue },
    run: async (_ctx, { params }) => (await import('@/lib/queues/get-queue')).getQueue(connection(params.conn), params.queue),
  }),
  queueMetrics: operation({
    name: 'queue.metrics', role: 'viewer', http: { method: 'GET', path: `${QUEUE}/metrics` },
    summary: 'A queue’s sampled series (waiting, active, delayed, failed…) and throughput over a range',
    params: queueParamsSchema, query: z.object({ range: rangeSchema.default('1h') }), example: { params: exampleQueue, query: { range: '1h' } },
    run: async (_ctx, { params, query }) => (await import('@/lib/metrics/queue-metrics')).getQueueMetrics(connection(params.conn), params.queue, query.range),
  }),
  queueLatency: operation({
    name: 'queue.latency', role: 'viewer', http: { method: 'GET', path: `${QUEUE}/metrics/latency` },
    summary: 'Wait and processing time percentiles of a queue’s recent jobs',
    params: queueParamsSchema, example: { params: exampleQueue },
    run: async (_ctx, { params }) => (await import('@/lib/metrics/latency')).getQueueLatency(connection(params.conn), params.queue),
  }),
  operationProgress: operation({
    name: 'operation.progress', role: 'operator', scope: 'filtered', http: { method: 'GET', path: '/operations/{id}' },
    summary: 'Progress of a bulk operation started with that operationId ({ done, total, phase, finished })',
    params: z.object({ id: operationIdSchema }), example: { params: { id: '00000000-0000-4000-8000-000000000000' } },
    run: async (ctx, { params }) => (await import('@/lib/progress/bulk-progress')).readOperationProgress(params.id, ctx.actor),
  }),
  pauseQueue: operation({
    name: 'queue.pause', role: 'operator', http: { method: 'POST', path: `${QUEUE}/pause` }, action: 'pauseQueueAction',
    summary: 'Pause a queue: workers take no new jobs (running ones finish)',
    params: queueParamsSchema, output: messageSchema, example: { params: exampleQueue },
    run: async (ctx, { params }) => (await import('@/lib/queues/pause-queue')).pauseQueue(ctx, params),
  }),
  resumeQueue: operation({
    name: 'queue.resume', role: 'operator', http: { method: 'POST', path: `${QUEUE}/resume` }, action: 'resumeQueueAction',
    summary: 'Resume a paused queue',
    params: queueParamsSchema, output: messageSchema, example: { params: exampleQueue },
    run: async (ctx, { params }) => (await import('@/lib/queues/resume-queue')).resumeQueue(ctx, params),
  }),
  pauseAll: operation({
    name: 'connection.pause-all', role: 'operator', http: { method: 'POST', path: '/connections/{conn}/pause-all' }, action: 'pauseAllQueuesAction',
    summary: 'Pause every queue of a connection (the dead-letter queue excepted)',
    params: connParams, output: z.object({ message: z.string(), queues: z.number() }), example: { params: { conn: 'default' } },
    run: async (ctx, { params }) => (await import('@/lib/queues/set-connection-paused')).setConnectionPaused(ctx, params.conn, true),
  }),
  resumeAll: operation({
    name: 'connection.resume-all', role: 'operator', http: { method: 'POST', path: '/connections/{conn}/resume-all' }, action: 'resumeAllQueuesAction',
    summary: 'Resume every queue of a connection',
    params: connParams, output: z.object({ message: z.string(), queues: z.number() }), example: { params: { conn: 'default' } },
    run: async (ctx, { params }) => (await import('@/lib/queues/set-connection-paused')).setConnectionPaused(ctx, params.conn, false),
  }),
  setQueueLimits: operation({
    name: 'queue.limits', role: 'operator', http: { method: 'PUT', path: `${QUEUE}/limits` }, action: 'setQueueLimitsAction',
    summary: 'Set or remove a queue’s global concurrency and rate limit',
    params: queueParamsSchema, body: limitsInputSchema, output: messageSchema, example: { params: exampleQueue, body: { concurrency: 10, rateLimit: { max: 100, duration: 1000 } } },
    run: async (ctx, { params, body }) => (await import('@/lib/queues/set-queue-limits')).setQueueLimits(ctx, params, body),
  }),
  getObjectives: operation({
    name: 'queue.objectives', role: 'viewer', http: { method: 'GET', path: `${QUEUE}/objectives` },
    summary: 'A queue’s objectives (wait p95, oldest wait, failure rate, processing p95) and the status last judged against them',
    description: 'source "config": set in the config file (read-only here); "console": set with PUT. status is null until the sampler’s lease holder has measured the queue.',
    params: queueParamsSchema, output: objectivesViewSchema, example: { params: exampleQueue },
    run: async (_ctx, { params }) => (await import('@/lib/objectives/get-objectives')).getObjectives(connection(params.conn), params.queue),
  }),
  setObjectives: operation({
    name: 'queue.objectives.set', role: 'operator', http: { method: 'PUT', path: `${QUEUE}/objectives` }, action: 'setObjectivesAction',
    summary: 'Set a queue’s objectives (replaces them whole); 409 when the config file sets them',
    description: 'Times in ms (1 ms – a day), failure rate in percent, windowMinutes 1–60 (default 15); at least one objective. At most 1,000 queues have objectives set in the console.',
    params: queueParamsSchema, body: queueObjectivesSchema, output: z.object({ message: z.string(), objectives: queueObjectivesSchema }),
    example: { params: exampleQueue, body: { waitP95Ms: 60_000, oldestWaitMs: 300_000, failureRatePct: 5, windowMinutes: 15 } },
    run: async (ctx, { params, body }) => (await import('@/lib/objectives/set-objectives')).setObjectives(ctx, params, body),
  }),
  clearObjectives: operation({
    name: 'queue.objectives.clear', role: 'operator', http: { method: 'DELETE', path: `${QUEUE}/objectives` }, action: 'clearObjectivesAction',
    summary: 'Clear a queue’s objectives set in the console; 409 when the config file sets them',
    description: 'On a connection the config file no longer names, clears the objectives it left in the console store; that needs the admin role.',
    params: queueParamsSchema, output: messageSchema, example: { params: exampleQueue },
    run: async (ctx, { params }) => (await import('@/lib/objectives/clear-objectives')).clearObjectives(ctx, params),
  }),
  cleanQueue: operation({
    name: 'queue.clean', role: 'operator', http: { method: 'POST', path: `${QUEUE}/clean` }, action: 'cleanQueueAction',
    summary: 'Remove a state’s jobs older than an age, in batches of 1,000 (progress under `operationId`)',
    description: 'Cleaning jobs that have not run yet (waiting, delayed, prioritized) needs the admin role.',
    params: queueParamsSchema, body: cleanInputSchema, output: removed, example: { params: exampleQueue, body: { state: 'completed', olderThanMs: 86_400_000 } },
    escalations: [
      { role: 'admin', when: 'cleaning waiting jobs (a drain)', example: { params: exampleQueue, body: { state: 'waiting', olderThanMs: 0 } } },
      { role: 'admin', when: 'cleaning delayed jobs', example: { params: exampleQueue, body: { state: 'delayed', olderThanMs: 0 } } },
    ],
    run: async (ctx, { params, body }) => (await import('@/lib/queues/clean-queue')).cleanQueue(ctx, params, body),
  }),
  drainQueue: operation({
    name: 'queue.drain', role: 'admin', http: { method: 'POST', path: `${QUEUE}/drain` }, action: 'drainQueueAction',
    summary: 'Remove every waiting and prioritized (optionally delayed) job, in batches of 1,000',
    params: queueParamsSchema, body: drainInputSchema, output: removed, example: { params: exampleQueue, body: { includeDelayed: false } },
    run: async (ctx, { params, body }) => (await import('@/lib/queues/drain-queue')).drainQueue(ctx, params, body),
  }),
  obliterateQueue: operation({
    name: 'queue.obliterate', role: 'admin', http: { method: 'DELETE', path: QUEUE }, action: 'obliterateQueueAction',
    summary: 'Delete a queue and all its jobs; `confirm` must be the queue name',
    params: queueParamsSchema, body: obliterateInputSchema, output: messageSchema, example: { params: exampleQueue, body: { confirm: 'email', force: false } },
    run: async (ctx, { params, body }) => (await import('@/lib/queues/obliterate-queue')).obliterateQueue(ctx, params, body),
  }),
};

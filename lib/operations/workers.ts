// Operations on worker processes (README › Workers › Controlling workers): the Workers view, and the
// controls of Drover's own runtimes — quiet, unquiet and stop a process (operator on every queue it
// runs), a queue's concurrency and local pause on Drover workers (operator on the queue). Each is
// audited under its name. Other BullMQ workers are listed read-only.
import { queueParamsSchema } from '@/lib/queues/params';
import { busyQuerySchema } from '@/lib/workers/busy-schemas';
import { workersSchema } from '@/lib/worker-control/workers-schemas';
import { concurrencyInputSchema, controlResultSchema, workerProcessParamsSchema } from '@/lib/worker-control/schemas';
import { accessOf } from '@/lib/auth/principal';
import { queueFilterOf } from '@/lib/auth/queue-filter';
import { circuitsParamsSchema, circuitsSchema, resetCircuitInputSchema, resetCircuitResultSchema } from '@/lib/circuits/schemas';
import { operation } from './define';

const PROCESS = '/connections/{conn}/workers/{runtimeId}';
const QUEUE_WORKERS = '/connections/{conn}/queues/{queue}/workers';
const exampleProcess = { conn: 'default', runtimeId: '00000000-0000-4000-8000-000000000000' };
const exampleQueue = { conn: 'default', queue: 'email' };
const processDescription = 'Needs the operator role on every queue the process runs. Answers once the process acknowledged (at most 3 s).';

export const workerOperations = {
  listWorkers: operation({
    name: 'workers.list', role: 'viewer', scope: 'filtered', http: { method: 'GET', path: '/workers' },
    summary: 'Worker processes per connection: Drover runtimes with their state, queues, concurrency, running jobs and last heartbeat; gone ones (3 missed beats, within the hour); other BullMQ workers read-only',
    description: 'Per connection at most 50 live and 50 gone processes; the per-queue settings of the listed queues.',
    query: busyQuerySchema, output: workersSchema, example: { query: { conn: 'default' } },
    run: async (ctx, { query }) => (await import('@/lib/worker-control/get-workers')).getWorkers(query, queueFilterOf(accessOf(ctx.actor))),
  }),
  quietWorker: operation({
    name: 'worker.quiet', role: 'operator', scope: 'connection', http: { method: 'POST', path: `${PROCESS}/quiet` }, action: 'quietWorkerAction',
    summary: 'Quiet a Drover worker process: it finishes its running jobs and takes no new ones',
    description: processDescription,
    params: workerProcessParamsSchema, output: controlResultSchema, example: { params: exampleProcess },
    run: async (ctx, { params }) => (await import('@/lib/worker-control/quiet-worker')).quietWorker(ctx, params),
  }),
  unquietWorker: operation({
    name: 'worker.unquiet', role: 'operator', scope: 'connection', http: { method: 'POST', path: `${PROCESS}/unquiet` }, action: 'unquietWorkerAction',
    summary: 'Resume a quiet Drover worker process: it takes jobs again',
    description: processDescription,
    params: workerProcessParamsSchema, output: controlResultSchema, example: { params: exampleProcess },
    run: async (ctx, { params }) => (await import('@/lib/worker-control/unquiet-worker')).unquietWorker(ctx, params),
  }),
  stopWorker: operation({
    name: 'worker.stop', role: 'operator', scope: 'connection', http: { method: 'POST', path: `${PROCESS}/stop` }, action: 'stopWorkerAction',
    summary: 'Stop a Drover worker process gracefully: it finishes its running jobs and exits (under a supervisor: a graceful restart)',
    description: processDescription,
    params: workerProcessParamsSchema, output: controlResultSchema, example: { params: exampleProcess },
    run: async (ctx, { params }) => (await import('@/lib/worker-control/stop-worker')).stopWorker(ctx, params),
  }),
  setWorkerConcurrency: operation({
    name: 'queue.workers.concurrency', role: 'operator', http: { method: 'PUT', path: `${QUEUE_WORKERS}/concurrency` }, action: 'setWorkerConcurrencyAction',
    summary: 'Set how many jobs of the queue each Drover worker process runs at once (1 to DROVER_MAX_WORKER_CONCURRENCY, default 50, never above 1,000; null: the kind’s own), at runtime and for processes started later',
    description: 'A value above the console’s DROVER_MAX_WORKER_CONCURRENCY is refused with 400 naming the limit (GET /workers answers it as limits.concurrency). 404 for a queue the connection does not have and no live Drover process serves; 409 past 1,000 queues with a setting per connection.',
    params: queueParamsSchema, body: concurrencyInputSchema, output: controlResultSchema, example: { params: exampleQueue, body: { concurrency: 4 } },
    run: async (ctx, { params, body }) => (await import('@/lib/worker-control/set-worker-concurrency')).setWorkerConcurrency(ctx, params, body.concurrency),
  }),
  pauseQueueLocally: operation({
    name: 'queue.workers.pause', role: 'operator', http: { method: 'POST', path: `${QUEUE_WORKERS}/pause` }, action: 'pauseQueueLocallyAction',
    summary: 'Pause the queue on Drover worker processes only (other BullMQ workers go on; queue.pause stops them all)',
    params: queueParamsSchema, output: controlResultSchema, example: { params: exampleQueue },
    run: async (ctx, { params }) => (await import('@/lib/worker-control/pause-queue-locally')).pauseQueueLocally(ctx, params),
  }),
  // Circuit breakers of the connection's external destinations (README › Circuit breakers).
  listCircuits: operation({
    // Whole connection: destinations are not any one queue's, and their recent failures quote other
    // teams' receivers (response excerpts), so a viewer of some queues only may not read them.
    name: 'circuits.list', role: 'viewer', scope: 'whole-connection', http: { method: 'GET', path: '/connections/{conn}/circuits' },
    summary: 'Circuit breakers of a connection’s external destinations (webhook receivers, image hosts, SMTP): state, recent failures, next probe',
    description: 'At most 200, the most recently changed first. Destinations are shared by every queue of the connection: needs the viewer role on every queue of it.',
    params: circuitsParamsSchema, output: circuitsSchema, example: { params: { conn: 'default' } },
    run: async (_ctx, { params }) => (await import('@/lib/circuits/list-circuits')).listCircuits(params.conn),
  }),
  resetCircuit: operation({
    name: 'circuit.reset', role: 'operator', scope: 'whole-connection', http: { method: 'POST', path: '/connections/{conn}/circuits/reset' }, action: 'resetCircuitAction',
    summary: 'Close a destination’s circuit breaker now (counters cleared; its jobs are attempted again)',
    description: 'Needs the operator role on every queue of the connection: a destination is shared by all of them.',
    params: circuitsParamsSchema, body: resetCircuitInputSchema, output: resetCircuitResultSchema,
    example: { params: { conn: 'default' }, body: { destination: 'https://hooks.example:443' } },
    run: async (ctx, { params, body }) => (await import('@/lib/circuits/reset-circuit')).resetCircuit(ctx, params.conn, body.destination),
  }),
  resumeQueueLocally: operation({
    name: 'queue.workers.resume', role: 'operator', http: { method: 'POST', path: `${QUEUE_WORKERS}/resume` }, action: 'resumeQueueLocallyAction',
    summary: 'Resume the queue on Drover worker processes',
    params: queueParamsSchema, output: controlResultSchema, example: { params: exampleQueue },
    run: async (ctx, { params }) => (await import('@/lib/worker-control/resume-queue-locally')).resumeQueueLocally(ctx, params),
  }),
};

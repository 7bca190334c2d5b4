// The worker runtime: one DroverWorker per kind on one connection, schedulers from code upserted at
// start (unless paused in the console), one cancellation listener for the process, and a bounded
// graceful close. Drover's own records of the connection (lib/store/connection-records.ts) go to the
// connection's own store: its Redis, or schema "drover" of its PostgreSQL database (no Redis needed).
import { Queue, createPostgresBackend, type Telemetry } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createRedisClient, isCluster, masterNodes } from '@/lib/redis/create-client';
import { protectDataStore } from '@/lib/egress/data-stores';
import type { ConnectionConfig } from '@/lib/config/schema';
import { listenForCancelRequests, type CancelListener } from '@/lib/cancellation/listen-for-cancel-requests';
import { droverWorkerName } from '@/lib/workers/worker-name';
import { pausedScheduleIds } from '@/lib/schedules/paused-store';
import { withKindDefaults } from '@/lib/job-kinds/registry';
import type { JobKindDefinition } from '@/lib/job-kinds/kind';
import { DroverWorker, type WorkerSettings } from './drover-worker';
import { fieldErrorsOf, summarizeFieldErrors } from '@/lib/zod-issues';
import type { PostgresReader, RuntimeKind } from './processor';
import { createWorkerLogger } from './logger';
import { DeadLetterCapture } from './dead-letters';
import { RedisDeadLetters } from '@/lib/store/redis/redis-dead-letters';
import { PostgresDeadLetters } from '@/lib/store/postgres/postgres-dead-letters';
import pg from 'pg';
import { DroverDb } from '@/lib/store/postgres/drover-db';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import { CircuitBreaker } from './circuit-breaker';
import type { CircuitSettings } from './circuit-settings';
import { RedisConnectionRecords } from '@/lib/store/redis/connection-records';
import { PostgresConnectionRecords } from '@/lib/store/postgres/connection-records';
import { carryOverLegacyPausedSchedules } from '@/lib/schedules/legacy-paused';
import { randomUUID } from 'node:crypto';
import { BusyHeartbeat } from './busy-heartbeat';
import { WorkerControl } from './control';
import { BUSY_HEARTBEAT_MS } from '@/lib/workers/busy-record';

export type RuntimeOptions = {
  connection: Pick<ConnectionConfig, 'name' | 'url' | 'prefix'> & Partial<Pick<ConnectionConfig, 'cluster' | 'nodes' | 'deadLetterQueue' | 'deadLetterRetention' | 'store' | 'schema' | 'migrate'>>;
  kinds: RuntimeKind[];
  settings: WorkerSettings & { shutdownTimeoutMs: number; deadLetterSweepIntervalMs?: number; busyHeartbeatMs?: number };
  workerName?: string;
  logger?: Logger;
  /**
   * A PostgreSQL connection whose paused schedules an earlier Drover kept on this Redis console
   * connection: moved into the records before the schedulers are checked (lib/schedules/legacy-paused.ts).
   */
  legacyConsole?: ConnectionConfig;
  /** Upsert the kinds' schedulers at start (default true). */
  schedulers?: boolean;
  /** Listen for console cancel requests (default true). */
  cancellation?: boolean;
  /** Capture permanently failed jobs into the connection's dead-letter queue (default true; lib/dlq). */
  deadLetters?: boolean;
  /** Publish what this process runs now for the console's Busy view (default true; busy-heartbeat.ts). */
  heartbeat?: boolean;
  /** Obey the console's worker control commands and stored per-queue settings (default true; control.ts). */
  control?: boolean;
  /** BullMQ's telemetry for the workers and the schedulers' producers (workers/runtime/telemetry.ts). */
  telemetry?: Telemetry;
  /** Circuit breakers per destination (README › Circuit breakers; circuit-settings.ts); none or disabled: off. */
  circuits?: CircuitSettings;
};

export type CloseResult = {
  /** True when active jobs outlived the shutdown timeout (they are left to stalled-job recovery). */
  timedOut: boolean;
  abandonedJobs: Array<{ queue: string; jobId: string }>;
};

export type Runtime = {
  workerName: string;
  prefix: string;
  workers: ReadonlyMap<string, DroverWorker>;
  /** This process's Busy-view heartbeat (undefined when turned off). */
  heartbeat?: BusyHeartbeat;
  /** The console's worker control of this process (undefined when turned off). */
  control?: WorkerControl;
  /** Resolves with who asked when the console asks this process to stop (never when control is off). */
  stopRequested: Promise<string>;
  /** Stop taking jobs, wait for active ones up to the shutdown timeout, close every connection. */
  close: () => Promise<CloseResult>;
};

/**
 * Adds (or updates) the schedulers a kind declares in code, with the kind's default job options. One an
 * operator paused in the console (its copy in the connection's records) is left paused: upserting it would
 * put a live scheduler next to the paused copy. Returns the ids upserted.
 */
export async function upsertSchedulers(queue: Queue, definition: JobKindDefinition, logger: Logger, records: ConnectionRecords): Promise<string[]> {
  const declared = definition.schedulers ?? [];
  const paused = await pausedScheduleIds({ records }, definition.queue, declared.map((s) => s.id));
  const ids: string[] = [];
  for (const scheduler of declared) {
    if ((scheduler.pattern === undefined) === (scheduler.every === undefined)) {
      throw new Error(`Scheduler "${scheduler.id}" of kind "${definition.kind}" must have exactly one of pattern and every`);
    }
    const parsed = definition.dataSchema.safeParse(scheduler.template.data);
    if (!parsed.success) throw new Error(`Scheduler "${scheduler.id}" of kind "${definition.kind}" has invalid data: ${summarizeFieldErrors(fieldErrorsOf(parsed.error, { root: '(data)' }))}`);
    const repeat = scheduler.pattern !== undefined ? { pattern: scheduler.pattern, ...(scheduler.tz ? { tz: scheduler.tz } : {}) } : { every: scheduler.every };
    if (paused.has(scheduler.id)) {
      logger.info({ event: 'scheduler.kept_paused', queue: definition.queue, scheduler: scheduler.id }, 'scheduler defined in code stays paused (resume it in the console)');
      continue;
    }
    await queue.upsertJobScheduler(scheduler.id, repeat, {
      name: scheduler.template.name,
      data: parsed.data,
      opts: withKindDefaults(definition, scheduler.template.opts),
    });
    ids.push(scheduler.id);
    logger.info({ event: 'scheduler.upserted', queue: definition.queue, scheduler: scheduler.id, ...repeat }, 'scheduler defined in code');
  }
  return ids;
}

/**
 * The process's cancel-request subscriber. On a Redis Cluster: a plain connection to the master that
 * owns the channels' slot, for sharded pub/sub (a topology change needs a worker restart to follow).
 */
async function cancelSubscriber(connection: RuntimeOptions['connection'], control: Redis, channel: string): Promise<{ subscriber: Redis; sharded: boolean }> {
  if (!isCluster(control)) return { subscriber: createRedisClient(connection, { purpose: 'subscriber', maxRetriesPerRequest: null }), sharded: false };
  const masters = await masterNodes(control);
  const slot = Number(await masters[0].cluster('KEYSLOT', channel));
  const owner = (control as unknown as Cluster).slots[slot]?.[0];
  const node = masters.find((m) => `${m.options.host}:${m.options.port}` === owner) ?? masters[0];
  const subscriber = node.duplicate({ connectionName: 'drover:subscriber', maxRetriesPerRequest: null });
  subscriber.on('error', () => {});
  return { subscriber, sharded: true };
}

/** QUIT, or a hard disconnect when Redis does not answer (a queued QUIT would wait forever). */
async function closeClient(client: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.quit().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 2_000);
    }),
  ]);
  clearTimeout(timer);
  client.disconnect();
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const workerName = opts.workerName ?? droverWorkerName();
  const logger = opts.logger ?? createWorkerLogger({ worker: workerName });
  const { connection, settings } = opts;
  const prefix = connection.prefix;
  const queues = opts.kinds.map((k) => k.definition.queue);
  if (new Set(queues).size !== queues.length) throw new Error(`Two kinds share a queue: ${queues.join(', ')}`);

  // A queue in PostgreSQL: BullMQ's backend there, and Drover's own records in schema "drover" of the
  // same database (no Redis at all).
  // "migrate": true lets BullMQ create or upgrade its schema here too (under its own advisory lock): the
  // workers may start before the console's first read would have.
  const postgres = connection.store === 'postgres' ? { connectionString: connection.url, schema: connection.schema ?? 'bullmq', ...(connection.migrate ? { migrate: true } : {}) } : undefined;

  // The egress policy of this process (and of its sandboxed children) never lets a job call these stores.
  protectDataStore(connection.url, ...(connection.nodes ?? []));

  // Redis: shared by schedulers, cancel acks and Drover's records; each worker gets its own connection
  // (plus BullMQ's blocking one).
  const control = postgres ? undefined : createRedisClient(connection, { purpose: 'worker', maxRetriesPerRequest: null });
  const clients: Redis[] = control ? [control] : [];
  // PostgreSQL: Drover's schema of the queues' database on a small pool of its own (records and dead
  // letters), every statement time-limited; the cancel listener has a client of its own.
  const droverPool = postgres
    ? new pg.Pool({
        connectionString: connection.url,
        max: 3,
        idleTimeoutMillis: 10_000,
        connectionTimeoutMillis: 5_000,
        application_name: 'drover-runtime',
        options: '-c statement_timeout=30000',
        // A host that stops answering (no RST) must not hold a statement for TCP's minutes: the attempt
        // records are written one batch after the other, so one hung write would hold back every later one.
        query_timeout: 32_000,
        keepAlive: true,
      })
    : undefined;
  droverPool?.on('error', () => {});
  const records: ConnectionRecords = postgres
    ? new PostgresConnectionRecords({
        db: new DroverDb({ pool: droverPool!, where: `PostgreSQL connection "${connection.name}"` }),
        bullmqSchema: postgres.schema,
        listen: {
          connectionString: connection.url,
          onError: (err) => logger.warn({ event: 'cancel.listener_error', err: err.message }, 'cancellation listener lost its connection (it reconnects)'),
        },
        carryOver: opts.legacyConsole
          ? {
              run: async (store) => {
                const legacy = createRedisClient(opts.legacyConsole!, { purpose: 'worker', maxRetriesPerRequest: 1 });
                legacy.on('error', () => {});
                try {
                  return await carryOverLegacyPausedSchedules(legacy, connection.name, store);
                } finally {
                  legacy.disconnect();
                }
              },
              onError: (err) => logger.warn({ event: 'schedules.carry_over_failed', err: err.message }, 'paused schedules of an earlier version not moved yet (tried again on the next check)'),
            }
          : undefined,
      })
    : new RedisConnectionRecords(control!, prefix, (channel) => cancelSubscriber(connection, control!, channel));
  // Processors that read the queue itself (the report) on PostgreSQL: the same small pool, read-only use.
  const reader: PostgresReader | undefined = postgres ? { query: async (text, values) => (await droverPool!.query(text, values)).rows, schema: postgres.schema } : undefined;
  const workers = new Map<string, DroverWorker>();
  const runs: Promise<void>[] = [];
  let listener: CancelListener | undefined;
  let deadLetters: DeadLetterCapture | undefined;
  let heartbeat: BusyHeartbeat | undefined;
  let workerControl: WorkerControl | undefined;

  const closeClients = async () => {
    // The last beat goes once the workers are closed: until then the process still runs its jobs.
    await heartbeat?.stop();
    await deadLetters?.stop();
    await listener?.stop();
    await workerControl?.stopListening();
    await records.close();
    await Promise.allSettled([...workers.values()].map((w) => w.flushAttempts()));
    await droverPool?.end().catch(() => {});
    await Promise.allSettled(clients.map(closeClient));
  };

  try {
    if (opts.schedulers !== false) {
      for (const { definition } of opts.kinds) {
        if (!definition.schedulers?.length) continue;
        const queue = postgres
          ? (new Queue(definition.queue, { connection: postgres, telemetry: opts.telemetry }, createPostgresBackend) as unknown as Queue)
          : new Queue(definition.queue, { connection: control!, prefix, telemetry: opts.telemetry });
        try {
          await upsertSchedulers(queue, definition, logger, records);
        } finally {
          await queue.close();
        }
      }
    }

    if (opts.deadLetters !== false) {
      const deadLetterQueue = connection.deadLetterQueue ?? 'dead-letter';
      let store: RedisDeadLetters | PostgresDeadLetters;
      if (postgres) {
        store = new PostgresDeadLetters({
          pool: droverPool!,
          bullmqSchema: postgres.schema,
          deadLetterQueue,
          where: `PostgreSQL connection "${connection.name}"`,
          attemptRecords: () => records,
        });
      } else store = new RedisDeadLetters(control!, prefix, deadLetterQueue);
      const pgConnection = postgres;
      deadLetters = new DeadLetterCapture({
        store,
        queueFor: (name) =>
          pgConnection
            ? (new Queue(name, { connection: pgConnection, skipMetasUpdate: true }, createPostgresBackend) as unknown as Queue)
            : new Queue(name, { connection: control!, prefix, skipMetasUpdate: true }),
        retention: connection.deadLetterRetention ?? { maxAgeDays: 30, maxCount: 100_000 },
        kinds: opts.kinds.map((k) => k.definition),
        workerName,
        logger,
        sweepIntervalMs: settings.deadLetterSweepIntervalMs ?? 60_000,
      });
    }

    // One breaker for the process: its workers share the clean cache and the batched successes.
    const circuits = opts.circuits?.enabled ? new CircuitBreaker(records.circuits, opts.circuits.policy, logger) : undefined;
    for (const kind of opts.kinds) {
      // PostgreSQL: BullMQ's backend opens its own pool.
      const client = postgres ? undefined : createRedisClient(connection, { purpose: 'worker', maxRetriesPerRequest: null });
      if (client) clients.push(client);
      const worker = new DroverWorker(kind, { client, prefix, postgres, sql: reader, records, workerName, logger, settings, telemetry: opts.telemetry, circuits });
      worker.on('error', (err) => logger.error({ event: 'worker.error', queue: kind.definition.queue, err: err.message }, 'worker error'));
      worker.on('stalled', (jobId) => logger.warn({ event: 'job.stalled', queue: kind.definition.queue, jobId }, 'stalled job moved back to waiting'));
      // Emitted after BullMQ's move to failed (or back for a retry) has succeeded: capture comes second.
      if (deadLetters) worker.on('failed', (job) => deadLetters!.onFailed(job));
      workers.set(kind.definition.queue, worker);
    }
    // The first beat lands as the workers' connections appear in CLIENT LIST: the console lists a
    // Drover-named client without a live heartbeat as "no heartbeat".
    const runtimeId = randomUUID();
    if (opts.control !== false) workerControl = new WorkerControl({ records, workers, runtimeId, workerName, logger });
    const controlled = workerControl;
    if (opts.heartbeat !== false) {
      heartbeat = new BusyHeartbeat({
        records,
        workerName,
        workers,
        runtimeId,
        intervalMs: settings.busyHeartbeatMs ?? BUSY_HEARTBEAT_MS,
        logger,
        status: controlled ? () => ({ state: controlled.state, paused: controlled.paused }) : undefined,
      });
    }
    // Before the first beat and the first job: a queue paused locally or given another concurrency in
    // the console starts that way (processes started after the command obey it too). Subscribed before
    // the read, so a command stored after it still arrives.
    await workerControl?.start();
    await Promise.all([...[...workers.values()].map((w) => w.waitUntilReady()), heartbeat?.start()]);

    if (opts.cancellation !== false) {
      listener = await listenForCancelRequests({
        records,
        queues,
        worker: workerName,
        onRequest: (queue, request) => {
          const cancelled = workers.get(queue)?.cancelRun(request.jobId, request.reason, request.mode) ?? false;
          logger.info({ event: 'cancel.request', queue, jobId: request.jobId, requestedBy: request.requestedBy, mode: request.mode, cancelled }, cancelled ? 'aborting job on request' : 'cancel request for a job not running here');
          return cancelled;
        },
        onError: (err, context) => logger.warn({ ...context, err: err.message }, 'cancellation channel error'),
      });
    }

    // The startup sweep captures what a previous process left between "failed" and "captured".
    deadLetters?.start();
    for (const worker of workers.values()) {
      runs.push(worker.run().catch((err: Error) => logger.error({ event: 'worker.run_failed', queue: worker.name, err: err.message }, 'worker stopped')));
    }
  } catch (err) {
    await Promise.allSettled([...workers.values()].map((w) => w.close(true)));
    await closeClients();
    throw err;
  }

  logger.info({ event: 'workers.ready', worker: workerName, connection: connection.name, prefix, queues }, `workers ready: ${queues.join(', ')}`);

  let closing: Promise<CloseResult> | undefined;
  const close = () => {
    closing ??= (async () => {
      const list = [...workers.values()];
      const active = list.flatMap((w) => w.activeJobIds.map((jobId) => ({ queue: w.name, jobId })));
      logger.info({ event: 'workers.stopping', activeJobs: active.length, timeoutMs: settings.shutdownTimeoutMs }, 'stopping: no new jobs, waiting for active ones');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled(list.map((w) => w.close())).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), settings.shutdownTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      const abandonedJobs = timedOut ? list.flatMap((w) => w.activeJobIds.map((jobId) => ({ queue: w.name, jobId }))) : [];
      if (timedOut) {
        logger.warn({ event: 'workers.shutdown_timeout', abandonedJobs }, 'shutdown timeout: active jobs are left to stalled-job recovery');
        await Promise.allSettled(list.map((w) => w.disconnect()));
      }
      await closeClients();
      logger.info({ event: 'workers.stopped', timedOut }, 'workers stopped');
      return { timedOut, abandonedJobs };
    })();
    return closing;
  };

  return { workerName, prefix, workers, heartbeat, control: workerControl, stopRequested: workerControl?.stopRequested ?? new Promise<string>(() => {}), close };
}

// A BullMQ Worker with Drover's wrapper around every run: job name and schema check, attempt history,
// cancellation, failure classification and structured logs. The wrapper sits in callProcessJob, so it
// covers in-process and sandboxed processors alike.
import { DelayedError, MetricsTime, UnrecoverableError, Worker, createPostgresBackend, type Job, type Telemetry } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import { ATTEMPT_FLUSH_MS, AttemptRecorder, type AttemptRef } from '@/lib/attempts/record-attempt';
import { traceOf } from '@/lib/links/trace-context';
import type { AttemptOutcome } from '@/lib/attempts/attempt';
import type { CancelMode } from '@/lib/cancellation/cancel-request';
import { DATA_STORES_ENV, dataStoresForChild } from '@/lib/egress/data-stores';
import { isLostJobError, isPeerRateLimitError, isPermanentFailure, type PeerRateLimitError } from '../failures';
import { pausePeer } from './peer-pause';
import type { CircuitBreaker } from './circuit-breaker';
import type { Destination } from './circuit-destination';
import { ATTEMPTS_CAP } from '@/lib/attempts/attempt';
import { fieldErrorsOf, summarizeFieldErrors } from '@/lib/zod-issues';
import type { PostgresReader, ProcessorContext, RuntimeKind } from './processor';

export type WorkerSettings = {
  /** BullMQ lock: a run whose lock is not renewed for this long counts as stalled. */
  lockDurationMs: number;
  /** How often this worker looks for stalled jobs of its queue. */
  stalledIntervalMs: number;
  /** Stalls a job survives before it fails. */
  maxStalledCount: number;
};

/**
 * Rate-limit requeues a job may go through before a 429 counts as a normal failure. Counted from the
 * job's attempt history (records marked `requeued`), not from attemptsStarted − attemptsMade: circuit
 * breaker skips (and stalls) also start a run without using an attempt, and must not use this up.
 */
export const MAX_REQUEUES = 20;
/** A job's log gets at most one "circuit open" line per this long (a long outage skips it many times). */
const CIRCUIT_LOG_EVERY_MS = 60_000;
/** Jobs whose last circuit log line time is remembered (the oldest are forgotten first). */
const CIRCUIT_LOG_MEMORY = 1_000;

type LogFields = { queue: string; jobId: string; attempt: number };

function logFields(ref: AttemptRef): LogFields {
  return { queue: ref.queue, jobId: ref.jobId, attempt: ref.attempt };
}

export type DroverWorkerOptions = {
  /** Redis: the worker's own connection (maxRetriesPerRequest: null). Unused on PostgreSQL. */
  client?: Redis;
  /** BullMQ's key prefix (Redis). */
  prefix: string;
  /** The queue is in PostgreSQL: BullMQ's backend connection (the jobs). */
  postgres?: { connectionString: string; schema: string; migrate?: boolean };
  /** PostgreSQL: read-only statements for processors that read the queue (the report). */
  sql?: PostgresReader;
  /** Drover's own records of the connection (attempt history, peer pauses), batched where it matters. */
  records: ConnectionRecords;
  workerName: string;
  logger: Logger;
  settings: WorkerSettings;
  /** BullMQ's telemetry (README › Tracing: DROVER_OTEL=1 loads bullmq-otel, workers/runtime/telemetry.ts). */
  telemetry?: Telemetry;
  /** The process's circuit breakers (README › Circuit breakers); none: every job runs. */
  circuits?: CircuitBreaker;
};

/** The run's context, handed from the run wrapper to an in-process processor. */
const RUN_CONTEXT = Symbol('drover.runContext');
type JobWithContext = Job & { [RUN_CONTEXT]?: RunContext };

/**
 * A processor's context. The AbortSignal and the logger are created on first use: an AbortController
 * per job is a measurable cost at thousands of jobs per second, and most processors never log.
 */
class RunContext implements ProcessorContext {
  private controller?: AbortController;
  private jobLogger?: Logger;
  constructor(
    readonly job: Job,
    readonly data: unknown,
    private readonly baseLogger: Logger,
    readonly connection: ProcessorContext['connection'],
    readonly worker: string,
  ) {}
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }
  get logger(): Logger {
    return (this.jobLogger ??= this.baseLogger.child({ queue: this.job.queueName, jobId: this.job.id, attempt: this.job.attemptsStarted }));
  }
  abort(reason: string): void {
    (this.controller ??= new AbortController()).abort(reason);
  }
}

/** `end` rejects the run's promise: the run is over for BullMQ (no closure per run: this path runs for every job). */
type ActiveRun = { context?: RunContext; end: (err: Error) => void; name: string; startedAt: number };

/** Characters of an error message written into a job's log line. */
const LOG_ERROR_MAX = 1000;

/**
 * The options every DroverWorker passes to BullMQ's Worker. Exported so the throughput benchmark can run
 * a raw BullMQ Worker with exactly these options (bench/worker-throughput.ts: like for like).
 */
export function droverWorkerOptions(kind: RuntimeKind, opts: Pick<DroverWorkerOptions, 'client' | 'postgres' | 'prefix' | 'workerName' | 'settings' | 'telemetry'>) {
  const { definition } = kind;
  return {
    connection: opts.postgres ?? opts.client,
    prefix: opts.prefix,
    // Shown by getWorkers() as "<prefix>:<base64(queue)>:w:drover@host:pid" and stored as the job's processedBy.
    name: opts.workerName,
    autorun: false,
    concurrency: definition.concurrency,
    limiter: definition.limiter,
    // Per-minute completed/failed counts for the console's charts, one week of points.
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    lockDuration: opts.settings.lockDurationMs,
    stalledInterval: opts.settings.stalledIntervalMs,
    maxStalledCount: opts.settings.maxStalledCount,
    // Each run joins the trace of the job's producer (the job's telemetry metadata); off unless DROVER_OTEL=1.
    ...(opts.telemetry ? { telemetry: opts.telemetry } : {}),
    // Sandboxed processors run in child processes; their entry file loads TypeScript itself, so the
    // child does not inherit this process's loader flags (or a test runner's). The child's egress
    // policy learns this process's Redis endpoints (host:port only) through its environment.
    useWorkerThreads: false,
    workerForkOptions: {
      execArgv: [],
      // A getter: read when a child is forked (BullMQ copies these options then), like the default env.
      get env() {
        return { ...process.env, [DATA_STORES_ENV]: dataStoresForChild() };
      },
    },
  };
}

export class DroverWorker extends Worker {
  readonly kind: RuntimeKind;
  readonly workerName: string;
  private readonly logger: Logger;
  private readonly telemetry?: Telemetry;
  private readonly attempts: AttemptRecorder;
  private readonly connection: ProcessorContext['connection'];
  /** Jobs this worker is running now. */
  private readonly activeRuns = new Map<string, ActiveRun>();
  /** Runs the console asked to abort, with how and why. */
  private readonly cancels = new Map<string, { mode: CancelMode; reason: string }>();
  /**
   * Runs whose start record is not handed to the recorder yet: that happens once per recorder batch
   * interval (ATTEMPT_FLUSH_MS, one timer for all runs starting meanwhile), so a run that ends sooner (a
   * short job) is decided whole at its end. A job BullMQ deletes as it completes (removeOnComplete: true)
   * then leaves no history of its first run: nobody can read it once the job is gone, and it would stay
   * 14 days, a key (or row) per job.
   */
  private readonly unsentStarts = new Set<AttemptRef>();
  private startsTimer?: NodeJS.Timeout;
  private readonly circuits?: CircuitBreaker;
  /** When each job last got a "circuit open" line in its log (throttled: CIRCUIT_LOG_EVERY_MS). */
  private readonly circuitLogged = new Map<string, number>();

  constructor(kind: RuntimeKind, opts: DroverWorkerOptions) {
    const { definition, processor } = kind;
    const logger = opts.logger;
    // Two parameters: BullMQ then creates no AbortController per job; RunContext has its own, lazily.
    const processorArg =
      processor.type === 'inline' ? (job: Job, _token?: string) => processor.process((job as JobWithContext)[RUN_CONTEXT]!) : processor.file;
    const workerOptions = droverWorkerOptions(kind, opts);
    // One constructor call for both stores: the PostgreSQL backend factory, or none (Redis).
    super(definition.queue, processorArg, workerOptions as never, (opts.postgres ? createPostgresBackend : undefined) as never);
    this.kind = kind;
    this.workerName = opts.workerName;
    this.logger = logger;
    this.telemetry = opts.telemetry;
    this.circuits = opts.circuits;
    this.connection = { redis: opts.postgres ? undefined : opts.client, prefix: opts.prefix, records: opts.records, store: opts.postgres ? 'postgres' : 'redis', sql: opts.sql };
    this.attempts = new AttemptRecorder(opts.records, (err) => logger.warn({ event: 'attempt.write_failed', queue: definition.queue, err: err.message }, 'attempt history write failed'));
  }

  /** Ids of the jobs this worker is running now. */
  get activeJobIds(): string[] {
    return [...this.activeRuns.keys()];
  }

  /** Jobs running now, the longest-running first (a Map keeps insertion order), at most `limit`. */
  runningJobs(limit: number): Array<{ id: string; name: string; startedAt: number }> {
    const jobs: Array<{ id: string; name: string; startedAt: number }> = [];
    for (const [id, run] of this.activeRuns) {
      if (jobs.length >= limit) break;
      jobs.push({ id, name: run.name, startedAt: run.startedAt });
    }
    return jobs;
  }

  /**
   * A pause (quiet, local pause: workers/runtime/control.ts) that came while the worker blocked waiting
   * for a job: BullMQ's wake-up would still take the job that woke it. It stays waiting instead.
   */
  protected override async moveToActive(token: string, name?: string): Promise<Job> {
    if (this.isPaused()) return undefined as unknown as Job;
    return super.moveToActive(token, name);
  }

  /**
   * A new concurrency at runtime (the console's worker control). BullMQ reads it at its main loop's next
   * turn, and a loop full of running jobs turns only when one ends: it is woken the way BullMQ's own
   * resume() wakes it (an empty entry in its queue of fetches), so an increase applies now.
   */
  setConcurrency(concurrency: number): void {
    this.concurrency = concurrency;
    (this as unknown as { mainLoopQueue?: { add(p: Promise<unknown>): void } | null }).mainLoopQueue?.add(Promise.resolve());
  }

  /** How many jobs this worker is running now. */
  get runningCount(): number {
    return this.activeRuns.size;
  }

  /**
   * Aborts a job this worker is running (console cancel / fail permanently). The job fails with
   * `reason` and is not retried. False when the job does not run here.
   */
  cancelRun(jobId: string, reason: string, mode: CancelMode): boolean {
    const run = this.activeRuns.get(jobId);
    if (!run) return false;
    this.cancels.set(jobId, { mode, reason });
    // The processor's signal: in-process through its context, sandboxed through BullMQ (to the child)…
    if (run.context) run.context.abort(reason);
    else this.cancelJob(jobId, reason);
    // …and the run ends now, even if the processor is slow to notice.
    run.end(new Error(reason));
    return true;
  }

  protected override async callProcessJob(job: Job, token: string, signal?: AbortSignal): Promise<unknown> {
    const jobId = job.id ?? '';
    const ref: AttemptRef = {
      queue: this.name,
      jobId,
      attempt: job.attemptsStarted,
      startedAt: Date.now(),
      worker: this.workerName,
      jobTimestamp: job.timestamp,
    };
    if (this.telemetry) {
      // BullMQ runs this inside the run's consumer span: its context names the trace (the producer's, when the job carried one).
      const traceId = traceOf({ tm: this.telemetry.contextManager.getMetadata(this.telemetry.contextManager.active()) })?.traceId;
      if (traceId) ref.traceId = traceId;
    }
    // The destination's circuit first: a job held back is not a run (no attempt, no attempt record).
    const destination = this.circuits ? (this.kind.processor.destinationOf?.(job.data) ?? null) : null;
    let probeToken: string | undefined;
    if (destination) {
      const admitted = await this.admitToCircuit(job, token, destination);
      if (!admitted) throw new DelayedError(`circuit of ${destination.name} open: not attempted`);
      probeToken = admitted.probeToken;
    }
    this.unsentStarts.add(ref);
    this.startsTimer ??= setTimeout(() => this.sendStarts(), ATTEMPT_FLUSH_MS);
    // Plain bindings, not a child logger per run: this path runs for every job.
    const debug = this.logger.isLevelEnabled('debug');
    if (debug) this.logger.debug({ ...logFields(ref), event: 'job.started', jobName: job.name }, 'job started');
    try {
      const data = this.parseData(job);
      const context = this.kind.processor.type === 'inline' ? new RunContext(job, data, this.logger, this.connection, this.workerName) : undefined;
      (job as JobWithContext)[RUN_CONTEXT] = context;
      const work = super.callProcessJob(job, token, signal);
      // Settles with the processor, or as soon as cancelRun() stops the run.
      const result = await new Promise((resolve, reject) => {
        this.activeRuns.set(jobId, { context, end: reject, name: job.name, startedAt: ref.startedAt });
        work.then(resolve, reject);
      });
      // A first run of a job deleted on completion, ended before its start went out: nothing to keep.
      const unread = ref.attempt === 1 && job.opts.removeOnComplete === true && this.unsentStarts.delete(ref);
      if (!unread) this.recordEnd(ref, 'completed');
      if (destination) await this.recordCircuitOutcome(destination, probeToken, ref);
      if (debug) this.logger.debug({ ...logFields(ref), event: 'job.completed', jobName: job.name, durationMs: Date.now() - ref.startedAt }, 'job completed');
      return result;
    } catch (err) {
      if (destination) await this.recordCircuitOutcome(destination, probeToken, ref, { err, cancelled: this.cancels.has(jobId) });
      throw await this.failure(job, token, ref, err);
    } finally {
      this.activeRuns.delete(jobId);
      this.cancels.delete(jobId);
      // Not `delete`: it would turn the job object into a slow dictionary-mode object.
      (job as JobWithContext)[RUN_CONTEXT] = undefined;
    }
  }

  private parseData(job: Job): unknown {
    const { definition } = this.kind;
    if (!definition.jobNames.includes(job.name)) {
      throw new UnrecoverableError(`No processor for job name "${job.name}" on queue "${this.name}" (it processes: ${definition.jobNames.join(', ')})`);
    }
    const parsed = definition.dataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`Invalid job data for "${definition.kind}": ${summarizeFieldErrors(fieldErrorsOf(parsed.error, { root: '(data)' }))}`);
    return parsed.data;
  }

  /** The error BullMQ sees for a failed run, after recording and logging it. */
  private async failure(job: Job, token: string, ref: AttemptRef, err: unknown): Promise<Error> {
    const durationMs = Date.now() - ref.startedAt;
    const fields = logFields(ref);
    const cancel = this.cancels.get(ref.jobId);
    if (cancel) {
      const { mode, reason } = cancel;
      this.recordEnd(ref, mode === 'fail' ? 'failed' : 'cancelled', reason);
      this.background(job.log(`attempt ${ref.attempt} aborted on ${this.workerName}: ${reason}`), fields, 'job.log_failed');
      this.logger.warn({ ...fields, event: 'job.cancelled', reason, mode, durationMs }, 'job aborted on request');
      // Unrecoverable: a cancelled job must not be retried.
      return new UnrecoverableError(reason);
    }
    const error = err instanceof Error ? err : new Error(String(err));
    // Every start counts in attemptsStarted, only failures in attemptsMade: the difference is how often
    // the job went back without a failure (rate-limit delays, stalls).
    if (isPeerRateLimitError(error) && (await this.rateLimitRequeues(ref)) < MAX_REQUEUES) {
      const message = `${error.message} (job delayed ${Math.round(error.retryAfterMs / 100) / 10} s, not counted as a failed attempt)`;
      // Logged while the run still holds the job: once delayed (for as little as 1 ms) another run may
      // start and log too, and two log writes at once collide on PostgreSQL (job_log_pkey).
      await job.log(`attempt ${ref.attempt}: ${message}`).catch((err: Error) => this.logger.warn({ ...fields, event: 'job.log_failed', err: err.message }, 'bookkeeping write failed'));
      const delayed = await this.delayForPeer(job, token, error).catch((moveErr: Error) => {
        this.logger.warn({ ...fields, event: 'job.delay_failed', err: moveErr.message }, 'could not delay the rate-limited job: it fails as usual');
        return false;
      });
      if (delayed) {
        this.recordEnd(ref, 'failed', message, true);
        this.logger.warn({ ...fields, event: 'job.rate_limited', peer: error.peer, retryAfterMs: error.retryAfterMs, durationMs }, 'peer rate limit: job delayed');
        // BullMQ leaves a job that threw DelayedError where the run put it (delayed) and takes the next one.
        return new DelayedError(message);
      }
    }
    const permanent = isPermanentFailure(error);
    const willRetry = !permanent && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
    this.recordEnd(ref, 'failed', error.message);
    // The job's log keeps a line per attempt, cut like an attempt record's error: a 1 MB message would
    // otherwise sit in the log list and be copied whole by a dead-letter capture.
    const message = error.message.length > LOG_ERROR_MAX ? `${error.message.slice(0, LOG_ERROR_MAX)}…` : error.message;
    const logged = job.log(`attempt ${ref.attempt} failed${permanent ? ' permanently' : ''}: ${message}${willRetry ? ' (will retry)' : ''}`);
    if (willRetry) this.background(logged, fields, 'job.log_failed');
    else {
      // A final failure is captured into the DLQ right after BullMQ moves it to failed: its last attempt
      // record and log line are stored by then, so the dead letter's copy has them.
      await Promise.all([
        logged.catch((err: Error) => this.logger.warn({ ...fields, event: 'job.log_failed', err: err.message }, 'bookkeeping write failed')),
        this.attempts.flush().catch(() => {}),
      ]);
    }
    this.logger[willRetry ? 'warn' : 'error']({ ...fields, event: 'job.failed', err: error.message, permanent, willRetry, durationMs }, 'job failed');
    return error;
  }

  /**
   * A receiver asked to slow down: pause it for every worker of the queue (unless the job found it
   * paused already), and move this job to delayed until then. BullMQ's moveToDelayed skips the attempt
   * count, so the job keeps all its attempts; other queues and other receivers are not slowed.
   */
  private async delayForPeer(job: Job, token: string, error: PeerRateLimitError): Promise<boolean> {
    const waitMs = Math.max(error.retryAfterMs, 1);
    if (error.peer && !error.alreadyPaused) await pausePeer(this.connection, this.name, error.peer, waitMs);
    await job.moveToDelayed(Date.now() + waitMs, token);
    return true;
  }

  private recordEnd(ref: AttemptRef, outcome: Exclude<AttemptOutcome, 'running' | 'stalled'>, error?: string, requeued?: true): void {
    // A start not handed over yet goes first: the recorder then writes the run once.
    if (this.unsentStarts.delete(ref)) this.attempts.start(ref);
    this.attempts.end(ref, { endedAt: Date.now(), outcome, error, ...(requeued ? { requeued } : {}) });
  }

  /**
   * How often this job went back to delayed for a receiver's rate limit: its attempt records marked
   * requeued (history of this job only: a reused id's older records carry another jobTimestamp). Read
   * only on a 429, after sending this process's pending records. Unreadable: counted as none.
   */
  private async rateLimitRequeues(ref: AttemptRef): Promise<number> {
    await this.attempts.flush().catch(() => {});
    const [list] = await this.connection.records.attemptLists(ref.queue, [ref.jobId], ATTEMPTS_CAP).catch(() => [null]);
    let count = 0;
    for (const raw of list ?? []) {
      if (!raw.includes('"requeued":true')) continue;
      try {
        const record = JSON.parse(raw) as { requeued?: boolean; jobTimestamp?: number };
        if (record.requeued && (ref.jobTimestamp === undefined || record.jobTimestamp === ref.jobTimestamp)) count++;
      } catch {
        // An unreadable record counts as nothing.
      }
    }
    return count;
  }

  /**
   * Asks the destination's circuit whether this job runs: undefined probe token for a plain run, the
   * token when this job is the half-open probe, null when the circuit is open (the job was moved back to
   * delayed until the next probe, with jitter, without using an attempt). A store that cannot answer
   * lets the job run: a breaker that fails closed would stop every delivery while the store is away.
   */
  private async admitToCircuit(job: Job, token: string, destination: Destination): Promise<{ probeToken?: string } | null> {
    const fields = { queue: this.name, jobId: job.id ?? '', destination: destination.name };
    let admission;
    try {
      admission = await this.circuits!.admit(destination.name, destination.probeLeaseMs);
    } catch (err) {
      this.logger.warn({ ...fields, event: 'circuit.read_failed', err: (err as Error).message }, 'circuit breaker unreadable: the job runs');
      return {};
    }
    if (admission.kind === 'run') return {};
    if (admission.kind === 'probe') {
      this.logger.info({ ...fields, event: 'circuit.probe' }, `half-open probe to ${destination.name}`);
      return { probeToken: admission.token };
    }
    // Spread uniformly over a good part of the cool-down: hundreds of jobs held for one dead host must not
    // all come back at once, each taking a token of the queue's rate limiter from the healthy hosts' jobs.
    const waitMs = admission.ms + Math.floor(Math.random() * admission.spreadMs);
    const jobId = job.id ?? '';
    const now = Date.now();
    const last = this.circuitLogged.get(jobId);
    if (last === undefined || now - last >= CIRCUIT_LOG_EVERY_MS) {
      this.circuitLogged.delete(jobId);
      if (this.circuitLogged.size >= CIRCUIT_LOG_MEMORY) this.circuitLogged.delete(this.circuitLogged.keys().next().value!);
      this.circuitLogged.set(jobId, now);
      // Before the move, while this run holds the job (see the rate-limit path: concurrent log writes collide on PostgreSQL).
      await job
        .log(`circuit of ${destination.name} ${admission.state}: not attempted, retry in ${Math.round(waitMs / 100) / 10} s (not counted as an attempt)`)
        .catch((err: Error) => this.logger.warn({ ...fields, event: 'job.log_failed', err: err.message }, 'bookkeeping write failed'));
    }
    try {
      await job.moveToDelayed(Date.now() + waitMs, token);
    } catch (err) {
      // The job is no longer this run's (deleted, its lock lost to a stall): the DelayedError that follows
      // leaves it where it is, as BullMQ does for any moved job.
      if (isLostJobError(err)) {
        this.logger.warn({ ...fields, event: 'circuit.skip_lost', err: (err as Error).message }, 'circuit open: the job was no longer this run\'s to delay');
        return null;
      }
      // The store did not take the move (a blip): throwing here would cost the job an attempt it never
      // made, so it runs, as when the circuit cannot be read.
      this.logger.warn({ ...fields, event: 'circuit.delay_failed', err: (err as Error).message }, 'circuit open but the job could not be delayed: it runs');
      return {};
    }
    this.logger.debug({ ...fields, event: 'circuit.skipped', state: admission.state, waitMs }, 'circuit open: job delayed');
    return null;
  }

  /**
   * A run's outcome for its destination's circuit. Counted as a failure: what the job would retry
   * (connection errors, timeouts, 5xx, 408, SMTP 4xx). Not counted: permanent failures (4xx answers,
   * egress refusals, invalid data), rate limits (the peer pause handles them) and cancellations; a probe
   * ending so is released for the next job. Never throws: the breaker must not change a job's outcome.
   */
  private async recordCircuitOutcome(destination: Destination, probeToken: string | undefined, ref: AttemptRef, failed?: { err: unknown; cancelled: boolean }): Promise<void> {
    const circuits = this.circuits!;
    let work: Promise<void> | undefined;
    if (!failed) work = circuits.success(destination.name, probeToken);
    else {
      const { err, cancelled } = failed;
      const counted = !cancelled && !isPermanentFailure(err) && !isPeerRateLimitError(err) && !(err instanceof DelayedError || (err instanceof Error && err.name === 'DelayedError'));
      if (counted) work = circuits.failure(destination.name, err instanceof Error ? err.message : String(err), probeToken);
      else if (probeToken !== undefined) work = circuits.release(destination.name, probeToken);
    }
    await work?.catch((err: Error) => this.logger.warn({ ...logFields(ref), event: 'circuit.write_failed', destination: destination.name, err: err.message }, 'circuit breaker write failed'));
  }

  /** Hands the starts of the runs still going to the recorder. */
  private sendStarts(): void {
    this.startsTimer = undefined;
    for (const ref of this.unsentStarts) this.attempts.start(ref);
    this.unsentStarts.clear();
  }

  /** Sends the attempt records still batched (before the connection closes). */
  flushAttempts(): Promise<void> {
    clearTimeout(this.startsTimer);
    this.sendStarts();
    return Promise.all([this.attempts.flush(), this.circuits?.flush()]).then(() => undefined);
  }

  private background(work: Promise<unknown>, fields: LogFields, event: string): void {
    work.catch((err: Error) => this.logger.warn({ ...fields, event, err: err.message }, 'bookkeeping write failed'));
  }
}

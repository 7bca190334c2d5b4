// A BullMQ Worker with Drover's wrapper around every run: job name and schema check, attempt history,
// cancellation, failure classification and structured logs. The wrapper sits in callProcessJob, so it
// covers in-process and sandboxed processors alike.
import { MetricsTime, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AttemptRecorder, type AttemptRef } from '@/lib/attempts/record-attempt';
import type { AttemptOutcome } from '@/lib/attempts/attempt';
import type { CancelMode } from '@/lib/cancellation/cancel-request';
import { isPeerRateLimitError, isPermanentFailure } from '../failures';
import { formatSchemaIssues } from '../schema-issues';
import type { ProcessorContext, RuntimeKind } from './processor';

export type WorkerSettings = {
  /** BullMQ lock: a run whose lock is not renewed for this long counts as stalled. */
  lockDurationMs: number;
  /** How often this worker looks for stalled jobs of its queue. */
  stalledIntervalMs: number;
  /** Stalls a job survives before it fails. */
  maxStalledCount: number;
};

/** Rate-limit requeues (and stalls) a run may go through before a 429 counts as a normal failure. */
const MAX_REQUEUES = 20;

type LogFields = { queue: string; jobId: string; attempt: number };

function logFields(ref: AttemptRef): LogFields {
  return { queue: ref.queue, jobId: ref.jobId, attempt: ref.attempt };
}

export type DroverWorkerOptions = {
  /** The worker's own connection (maxRetriesPerRequest: null); its attempt records go through it too, batched. */
  client: Redis;
  prefix: string;
  workerName: string;
  logger: Logger;
  settings: WorkerSettings;
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

type ActiveRun = { context?: RunContext; stop: (reason: string) => void };

export class DroverWorker extends Worker {
  readonly kind: RuntimeKind;
  readonly workerName: string;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly attempts: AttemptRecorder;
  private readonly connection: ProcessorContext['connection'];
  /** Jobs this worker is running now. */
  private readonly activeRuns = new Map<string, ActiveRun>();
  /** Runs the console asked to abort, with how and why. */
  private readonly cancels = new Map<string, { mode: CancelMode; reason: string }>();

  constructor(kind: RuntimeKind, opts: DroverWorkerOptions) {
    const { definition, processor } = kind;
    const logger = opts.logger;
    // Two parameters: BullMQ then creates no AbortController per job; RunContext has its own, lazily.
    const processorArg =
      processor.type === 'inline' ? (job: Job, _token?: string) => processor.process((job as JobWithContext)[RUN_CONTEXT]!) : processor.file;
    super(definition.queue, processorArg, {
      connection: opts.client,
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
      // Sandboxed processors run in child processes; their entry file loads TypeScript itself, so the
      // child does not inherit this process's loader flags (or a test runner's).
      useWorkerThreads: false,
      workerForkOptions: { execArgv: [] },
    });
    this.kind = kind;
    this.workerName = opts.workerName;
    this.prefix = opts.prefix;
    this.logger = logger;
    this.connection = { redis: opts.client, prefix: opts.prefix };
    this.attempts = new AttemptRecorder(opts.client, (err) => logger.warn({ event: 'attempt.write_failed', queue: definition.queue, err: err.message }, 'attempt history write failed'));
  }

  /** Ids of the jobs this worker is running now. */
  get activeJobIds(): string[] {
    return [...this.activeRuns.keys()];
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
    run.stop(reason);
    return true;
  }

  protected override async callProcessJob(job: Job, token: string, signal?: AbortSignal): Promise<unknown> {
    const jobId = job.id ?? '';
    const ref: AttemptRef = {
      prefix: this.prefix,
      queue: this.name,
      jobId,
      attempt: job.attemptsStarted,
      startedAt: Date.now(),
      worker: this.workerName,
      jobTimestamp: job.timestamp,
    };
    this.attempts.start(ref);
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
        this.activeRuns.set(jobId, { context, stop: (reason) => reject(new Error(reason)) });
        work.then(resolve, reject);
      });
      this.recordEnd(ref, 'completed');
      if (debug) this.logger.debug({ ...logFields(ref), event: 'job.completed', jobName: job.name, durationMs: Date.now() - ref.startedAt }, 'job completed');
      return result;
    } catch (err) {
      throw await this.failure(job, ref, err);
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
    if (!parsed.success) throw new UnrecoverableError(`Invalid job data for "${definition.kind}": ${formatSchemaIssues(parsed.error)}`);
    return parsed.data;
  }

  /** The error BullMQ sees for a failed run, after recording and logging it. */
  private async failure(job: Job, ref: AttemptRef, err: unknown): Promise<Error> {
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
    const requeues = job.attemptsStarted - job.attemptsMade - 1;
    if (isPeerRateLimitError(error) && this.kind.definition.limiter && requeues < MAX_REQUEUES) {
      // Pauses the whole queue (every worker honours the limiter key); the job goes back to waiting
      // without using one of its attempts. BullMQ 6.7 still marks Worker.rateLimit deprecated in favour
      // of Queue.rateLimit, but both only set the queue's limiter key (backend.setRateLimit).
      await this.rateLimit(Math.max(error.retryAfterMs, 1));
      const message = `${error.message} (queue paused, job moved back to waiting; not counted as a failed attempt)`;
      this.recordEnd(ref, 'failed', message);
      this.logger.warn({ ...fields, event: 'job.rate_limited', retryAfterMs: error.retryAfterMs, durationMs }, 'peer rate limit: queue paused');
      return Worker.RateLimitError();
    }
    const permanent = isPermanentFailure(error);
    const willRetry = !permanent && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
    this.recordEnd(ref, 'failed', error.message);
    this.background(job.log(`attempt ${ref.attempt} failed${permanent ? ' permanently' : ''}: ${error.message}${willRetry ? ' (will retry)' : ''}`), fields, 'job.log_failed');
    this.logger[willRetry ? 'warn' : 'error']({ ...fields, event: 'job.failed', err: error.message, permanent, willRetry, durationMs }, 'job failed');
    return error;
  }

  private recordEnd(ref: AttemptRef, outcome: Exclude<AttemptOutcome, 'running' | 'stalled'>, error?: string): void {
    this.attempts.end(ref, { endedAt: Date.now(), outcome, error });
  }

  /** Sends the attempt records still batched (before the connection closes). */
  flushAttempts(): Promise<void> {
    return this.attempts.flush();
  }

  private background(work: Promise<unknown>, fields: LogFields, event: string): void {
    work.catch((err: Error) => this.logger.warn({ ...fields, event, err: err.message }, 'bookkeeping write failed'));
  }
}

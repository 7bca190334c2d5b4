// Dead-letter capture in the runtime: every job of our queues that reaches BullMQ's failed set (which
// only holds final failures: retries go to delayed or waiting) becomes an envelope in the connection's
// DLQ, on either store (lib/store/dead-letter-store.ts). Two paths, both idempotent:
// - live: right after the worker's 'failed' event, i.e. after the move to failed succeeded, from the
//   Job object in memory (so a job removed on fail is still captured);
// - sweep: at start and every DROVER_DLQ_SWEEP_INTERVAL_MS, failed jobs since the queue's watermark,
//   which catches what the live path missed (a worker killed between the two steps, jobs failed by
//   the stalled-job check or by the console's "Fail permanently"). The same tick enforces retention.
//   Each sweep is bounded (sweepMaxJobs per queue); a backlog is worked off by sweeps run back to back.
import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import { factsFromJob } from '@/lib/dlq/capture';
import { DEFAULT_RETENTION } from '@/lib/dlq/sweep';
import type { CaptureResult, DeadLetterStore, Retention } from '@/lib/store/dead-letter-store';
import type { JobKindDefinition } from '@/lib/job-kinds/kind';

/**
 * Test-only: when set to "1", the process kills itself (SIGKILL) right after BullMQ moved a job to
 * failed and before the live capture, so tests can prove the restart sweep captures it exactly once.
 * Never set it in production.
 */
export const TEST_CRASH_BEFORE_CAPTURE_ENV = 'DROVER_TEST_CRASH_BEFORE_DLQ_CAPTURE';

export type DeadLetterOptions = {
  /** Where the connection's dead letters live (Redis: beside its queues; PostgreSQL: Drover's schema of its database). */
  store: DeadLetterStore;
  /** A Queue handle of the connection (for kinds that remove the origin once captured). */
  queueFor: (name: string) => Queue;
  retention: Retention;
  kinds: JobKindDefinition[];
  workerName: string;
  logger: Logger;
  sweepIntervalMs: number;
  /** Failed jobs one sweep looks at per queue (default 5000); a bigger backlog takes further sweeps. */
  sweepMaxJobs?: number;
};

const DEFAULT_SWEEP_MAX_JOBS = 5_000;
/** Time one sweep may spend re-grouping dead letters captured under earlier grouping rules. */
const REGROUP_SWEEP_MS = 1_000;
/** Failed jobs read and captured per batch. */
const SWEEP_BATCH = 500;
/** Origin removals sent together. */
const REMOVE_CHUNK = 100;

export class DeadLetterCapture {
  private readonly store: DeadLetterStore;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Queues whose kind removes the origin job once captured. */
  private readonly removers = new Map<string, Queue>();
  private timer?: NodeJS.Timeout;
  /** The follow-up sweep of a backlog. */
  private catchUp?: NodeJS.Timeout;
  private sweeping?: Promise<boolean>;
  private stopped = false;
  private readonly crashBeforeCapture = process.env[TEST_CRASH_BEFORE_CAPTURE_ENV] === '1';

  constructor(private readonly opts: DeadLetterOptions) {
    this.store = opts.store;
    for (const kind of opts.kinds) {
      if (kind.queue === opts.store.deadLetterQueue) throw new Error(`Kind "${kind.kind}" runs the dead-letter queue "${kind.queue}": rename one of them`);
      if (kind.deadLetter?.removeOrigin) this.removers.set(kind.queue, opts.queueFor(kind.queue));
    }
  }

  private get capturedBy(): string {
    return `runtime:${this.opts.workerName}`;
  }

  /** The worker's 'failed' listener: BullMQ has finished moving the job (to failed, or back for a retry). */
  onFailed(job: Job | undefined): void {
    if (!job?.id || this.stopped) return;
    // A retry leaves finishedOn unset (or older than this attempt's start): nothing to capture.
    if (!job.finishedOn || (job.processedOn && job.finishedOn < job.processedOn)) return;
    if (this.crashBeforeCapture) {
      process.kill(process.pid, 'SIGKILL');
      return;
    }
    const work = this.captureLive(job).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async captureLive(job: Job): Promise<void> {
    const fields = { queue: job.queueName, jobId: job.id };
    try {
      const { outcome, id } = await this.store.capture(factsFromJob(job, this.opts.workerName), { capturedBy: this.capturedBy, allowMissingOrigin: true });
      if (outcome === 'captured' || outcome === 'duplicate') {
        if (outcome === 'captured') this.opts.logger.info({ ...fields, event: 'dlq.captured', deadLetter: id, deadLetterQueue: this.store.deadLetterQueue }, 'failed job captured in the dead-letter queue');
        await this.removeOrigins(job.queueName, [job.id!]);
      } else {
        this.opts.logger.debug({ ...fields, event: 'dlq.not_captured', outcome }, 'failed job not captured');
      }
    } catch (err) {
      // The sweep retries it (the watermark has not passed this job unless the sweep saw it).
      this.opts.logger.warn({ ...fields, event: 'dlq.capture_failed', err: (err as Error).message }, 'dead-letter capture failed; the next sweep retries it');
    }
  }

  private async removeOrigins(queue: string, ids: string[]): Promise<void> {
    const remover = this.removers.get(queue);
    if (!remover || ids.length === 0) return;
    // Sent together (ioredis pipelines them), in chunks so a full sweep batch is not one huge burst.
    for (let i = 0; i < ids.length; i += REMOVE_CHUNK) {
      await Promise.all(
        ids.slice(i, i + REMOVE_CHUNK).map((id) =>
          // Fails (0) when the job moved on meanwhile, e.g. an operator retried it: then it is not ours to remove.
          remover.remove(id).catch((err: Error) => this.opts.logger.warn({ queue, jobId: id, event: 'dlq.remove_origin_failed', err: err.message }, 'origin job not removed')),
        ),
      );
    }
  }

  /**
   * One sweep over every queue of this runtime, at most sweepMaxJobs failed jobs per queue, then one
   * bounded retention pass. Resolves to true when a queue has more failed jobs left to look at and this
   * sweep captured some (a backlog being worked off, not a window of already captured jobs re-read).
   */
  async sweep(): Promise<boolean> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<boolean> {
    const maxJobs = this.opts.sweepMaxJobs ?? DEFAULT_SWEEP_MAX_JOBS;
    let captured = 0;
    let behind = false;
    for (const kind of this.opts.kinds) {
      if (this.stopped) return false;
      try {
        const onCaptured = (r: CaptureResult) => this.removeOrigins(kind.queue, [...r.captured, ...r.duplicates]);
        const result = await this.store.sweep(kind.queue, { capturedBy: this.capturedBy, onCaptured, maxJobs, batch: Math.min(SWEEP_BATCH, maxJobs) });
        captured += result.captured;
        if (!result.caughtUp && result.captured > 0) behind = true;
        if (result.captured > 0) this.opts.logger.info({ queue: kind.queue, event: 'dlq.swept', captured: result.captured, scanned: result.scanned, caughtUp: result.caughtUp }, 'sweep captured failed jobs');
      } catch (err) {
        this.opts.logger.warn({ queue: kind.queue, event: 'dlq.sweep_failed', err: (err as Error).message }, 'dead-letter sweep failed');
      }
    }
    try {
      // Dead letters captured under earlier grouping rules move to their current groups, a bounded step per sweep.
      const { done, moved } = await this.store.regroup({ budgetMs: REGROUP_SWEEP_MS });
      if (moved > 0) this.opts.logger.info({ event: 'dlq.regrouped', moved, done, deadLetterQueue: this.store.deadLetterQueue }, 'dead letters moved to their current error groups');
      if (!done) behind = true;
    } catch (err) {
      this.opts.logger.warn({ event: 'dlq.regroup_failed', err: (err as Error).message }, 'dead-letter re-grouping failed');
    }
    try {
      const { expired } = await this.store.enforceRetention(this.opts.retention ?? DEFAULT_RETENTION);
      if (expired > 0) this.opts.logger.info({ event: 'dlq.expired', expired, deadLetterQueue: this.store.deadLetterQueue }, 'dead letters removed by retention');
      this.opts.logger.debug({ event: 'dlq.sweep_done', captured, expired, behind }, 'dead-letter sweep done');
    } catch (err) {
      this.opts.logger.warn({ event: 'dlq.retention_failed', err: (err as Error).message }, 'dead-letter retention failed');
    }
    return behind;
  }

  /** A sweep; while one leaves a backlog, the next bounded sweep follows at once instead of an interval later. */
  private tick(): void {
    void this.sweep().then((behind) => {
      if (!behind || this.stopped || this.catchUp) return;
      this.catchUp = setTimeout(() => {
        this.catchUp = undefined;
        this.tick();
      }, 0);
      this.catchUp.unref();
    });
  }

  /** Sweeps now (in the background) and then every sweepIntervalMs. */
  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.sweepIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for captures in flight (before the connection closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.catchUp);
    await Promise.allSettled([...this.inFlight, this.sweeping]);
    await Promise.allSettled([...this.removers.values()].map((q) => q.close()));
  }
}

// The runtime's side of worker control (lib/worker-control): listens first, then applies the stored
// per-queue settings, then the console's commands as they come, one at a time — quiet (take no new jobs, finish the running ones),
// unquiet, stop (the same graceful exit as SIGTERM), a queue's concurrency, and a local pause of a
// queue (this runtime's workers only; BullMQ's global pause is the queue's own flag). A queue command
// is read as "re-read the stored setting of queue X" and after a reconnect every stored setting is read
// again: a message lost or overtaken leaves no process behind the store. Each command is acked so the
// console can say "applied by N of M processes".
import type { Logger } from 'pino';
import type { ConnectionRecords, CancelSubscription } from '@/lib/store/connection-records';
import { CONTROL_MESSAGE_READ_MAX_BYTES, controlMessageSchema, parseWorkerSetting, type ControlAck, type ControlMessage, type WorkerSetting, maxWorkerConcurrency } from '@/lib/worker-control/control-message';
import type { DroverWorker } from './drover-worker';

export type RuntimeState = 'running' | 'quiet' | 'stopping';

/** Messages too large to read are logged at most this often (the others counted in the next line). */
const OVERSIZE_LOG_INTERVAL_MS = 60_000;
/** Characters of a parse error kept in the log. */
const LOGGED_ERROR_MAX = 300;

export class WorkerControl {
  private stateNow: RuntimeState = 'running';
  private readonly pausedQueues = new Set<string>();
  private subscription?: CancelSubscription;
  private tail: Promise<void> = Promise.resolve();
  private stopRequest?: (by: string) => void;
  private oversizeLoggedAt = -Infinity;
  private oversizeUnlogged = 0;
  /** Resolves with who asked, when the console asks this process to stop. */
  readonly stopRequested: Promise<string>;

  constructor(
    private readonly opts: {
      records: ConnectionRecords;
      workers: ReadonlyMap<string, DroverWorker>;
      runtimeId: string;
      workerName: string;
      logger: Logger;
    },
  ) {
    this.stopRequested = new Promise((resolve) => (this.stopRequest = resolve));
  }

  get state(): RuntimeState {
    return this.stateNow;
  }

  /** The queues paused locally on this process, by name. */
  get paused(): string[] {
    return [...this.pausedQueues].sort();
  }

  /**
   * Before the workers run: subscribes, then applies the stored settings of the process's queues (a
   * command stored after that read arrives as a message), then every message in turn.
   */
  async start(): Promise<void> {
    this.subscription = await this.opts.records.listenForControl(
      (raw) => {
        // Measured before anything holds on to it: a message over the bound is neither queued nor parsed.
        if (raw.length > CONTROL_MESSAGE_READ_MAX_BYTES || Buffer.byteLength(raw) > CONTROL_MESSAGE_READ_MAX_BYTES) return this.ignoreOversize(raw);
        void this.enqueue(() => this.onMessage(raw)).catch(() => {});
      },
      () => void this.enqueue(() => this.applyStoredSettings('resubscribed')).catch(() => {}),
    );
    await this.enqueue(() => this.applyStoredSettings('start'));
  }

  /** Logs the size of a message too large to read (never its content), at most once a minute. */
  private ignoreOversize(raw: string): void {
    const now = Date.now();
    if (now - this.oversizeLoggedAt < OVERSIZE_LOG_INTERVAL_MS) {
      this.oversizeUnlogged += 1;
      return;
    }
    const bytes = Buffer.byteLength(raw);
    this.opts.logger.warn(
      { event: 'control.message_too_large', bytes, limit: CONTROL_MESSAGE_READ_MAX_BYTES, ignoredSinceLastLog: this.oversizeUnlogged },
      `worker control message of ${bytes} bytes ignored (limit ${CONTROL_MESSAGE_READ_MAX_BYTES})`,
    );
    this.oversizeLoggedAt = now;
    this.oversizeUnlogged = 0;
  }

  /** Messages and re-reads run one at a time, in order: a slow re-read never overwrites a later one. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task);
    this.tail = run.catch((err: Error) => this.opts.logger.warn({ event: 'control.failed', err: err.message }, 'worker control step failed'));
    return run;
  }

  private async applyStoredSettings(why: 'start' | 'resubscribed'): Promise<void> {
    const queues = [...this.opts.workers.keys()];
    const stored = await this.opts.records.workerSettings(queues);
    for (const queue of queues) {
      const setting = parseWorkerSetting(stored.get(queue) ?? '{}');
      const changed = await this.applySetting(queue, setting);
      if (changed) this.opts.logger.info({ event: 'control.setting_applied', queue, why, ...setting }, `stored worker setting applied to ${queue}`);
    }
  }

  /** Brings a queue's worker to its stored setting; true when something changed. */
  private async applySetting(queue: string, setting: WorkerSetting): Promise<boolean> {
    const worker = this.opts.workers.get(queue)!;
    // Clamped to this process's own bound: a value stored by a console with a higher one runs at ours.
    const concurrency = setting.concurrency === undefined ? worker.kind.definition.concurrency : Math.min(setting.concurrency, maxWorkerConcurrency());
    let changed = false;
    if (worker.concurrency !== concurrency) {
      worker.setConcurrency(concurrency);
      changed = true;
    }
    if (setting.pausedLocally && !this.pausedQueues.has(queue)) {
      this.pausedQueues.add(queue);
      await worker.pause(true);
      changed = true;
    } else if (!setting.pausedLocally && this.pausedQueues.has(queue)) {
      this.pausedQueues.delete(queue);
      // A quiet process stays quiet: the queue resumes with the process.
      if (this.stateNow === 'running') await worker.resume();
      changed = true;
    }
    return changed;
  }

  async stopListening(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  private async onMessage(raw: string): Promise<void> {
    let message: ControlMessage;
    try {
      message = controlMessageSchema.parse(JSON.parse(raw));
    } catch (err) {
      this.opts.logger.warn({ event: 'control.invalid_message', err: (err as Error).message.slice(0, LOGGED_ERROR_MAX) }, 'invalid worker control message');
      return;
    }
    let answer: { applied: boolean; message: string };
    try {
      answer = await this.apply(message);
    } catch (err) {
      answer = { applied: false, message: `failed: ${(err as Error).message}` };
    }
    this.opts.logger.info({ event: `control.${message.command}`, requestedBy: message.requestedBy, applied: answer.applied }, answer.message);
    const ack: ControlAck = { runtimeId: this.opts.runtimeId, worker: this.opts.workerName, ...answer };
    await this.opts.records.ackControl(message.requestId, ack).catch((err: Error) => this.opts.logger.warn({ event: 'control.ack_failed', err: err.message }, 'control ack not written'));
  }

  private async apply(message: ControlMessage): Promise<{ applied: boolean; message: string }> {
    const { workers } = this.opts;
    if ('runtimeId' in message) {
      if (message.runtimeId !== this.opts.runtimeId) return { applied: false, message: 'not this process' };
      if (this.stateNow === 'stopping') return { applied: false, message: 'this process is stopping' };
      if (message.command === 'quiet') {
        this.stateNow = 'quiet';
        // Running jobs go on to their end; no worker of the process takes a new one.
        await Promise.all([...workers.values()].map((w) => w.pause(true)));
        return { applied: true, message: `quiet: ${this.opts.workerName} takes no new jobs` };
      }
      if (message.command === 'unquiet') {
        this.stateNow = 'running';
        await Promise.all([...workers].filter(([queue]) => !this.pausedQueues.has(queue)).map(([, w]) => w.resume()));
        return { applied: true, message: `running: ${this.opts.workerName} takes jobs again` };
      }
      this.stateNow = 'stopping';
      this.stopRequest?.(message.requestedBy);
      return { applied: true, message: `stopping: ${this.opts.workerName} finishes its running jobs and exits` };
    }
    const worker = workers.get(message.queue);
    if (!worker) return { applied: false, message: `does not run queue ${message.queue}` };
    // The message says which queue changed; what it is now is what the store says (a later command may
    // already have changed it again, an earlier message may have been lost).
    const setting = parseWorkerSetting((await this.opts.records.workerSettings([message.queue])).get(message.queue) ?? '{}');
    await this.applySetting(message.queue, setting);
    const paused = this.pausedQueues.has(message.queue);
    const pausedNote = paused ? 'paused' : `taking jobs${this.stateNow === 'running' ? '' : ` with the process (${this.stateNow})`}`;
    return {
      applied: true,
      message: `${message.queue} on ${this.opts.workerName}: concurrency ${worker.concurrency}${setting.concurrency === undefined ? " (the kind's own)" : ''}, ${pausedNote}`,
    };
  }
}

// The runtime's side of worker control (lib/worker-control): applies the stored per-queue settings at
// start, then the console's commands as they come — quiet (take no new jobs, finish the running ones),
// unquiet, stop (the same graceful exit as SIGTERM), a queue's concurrency, and a local pause of a
// queue (this runtime's workers only; BullMQ's global pause is the queue's own flag). Each command is
// acked so the console can say "applied by N of M processes".
import type { Logger } from 'pino';
import type { ConnectionRecords, CancelSubscription } from '@/lib/store/connection-records';
import { controlMessageSchema, parseWorkerSetting, type ControlAck, type ControlMessage } from '@/lib/worker-control/control-message';
import type { DroverWorker } from './drover-worker';

export type RuntimeState = 'running' | 'quiet' | 'stopping';

export class WorkerControl {
  private stateNow: RuntimeState = 'running';
  private readonly pausedQueues = new Set<string>();
  private subscription?: CancelSubscription;
  private stopRequest?: (by: string) => void;
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

  /** Before the workers run: the concurrency overrides and local pauses stored for their queues. */
  async applyStoredSettings(): Promise<void> {
    const stored = await this.opts.records.workerSettings([...this.opts.workers.keys()]);
    for (const [queue, raw] of stored) {
      const setting = parseWorkerSetting(raw);
      const worker = this.opts.workers.get(queue)!;
      if (setting.concurrency !== undefined) worker.concurrency = setting.concurrency;
      if (setting.pausedLocally) {
        this.pausedQueues.add(queue);
        await worker.pause(true);
      }
      this.opts.logger.info({ event: 'control.setting_applied', queue, ...setting }, `stored worker setting applied to ${queue}`);
    }
  }

  async listen(): Promise<void> {
    this.subscription = await this.opts.records.listenForControl((raw) => void this.onMessage(raw));
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
      this.opts.logger.warn({ event: 'control.invalid_message', err: (err as Error).message }, 'invalid worker control message');
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
    if (message.command === 'set-concurrency') {
      worker.setConcurrency(message.concurrency ?? worker.kind.definition.concurrency);
      return { applied: true, message: `concurrency of ${message.queue} set to ${worker.concurrency}${message.concurrency === null ? " (the kind's own)" : ''}` };
    }
    if (message.command === 'pause-local') {
      this.pausedQueues.add(message.queue);
      await worker.pause(true);
      return { applied: true, message: `${message.queue} paused on ${this.opts.workerName}` };
    }
    this.pausedQueues.delete(message.queue);
    // A quiet process stays quiet: the queue resumes with the process.
    if (this.stateNow === 'running') await worker.resume();
    return { applied: true, message: `${message.queue} resumed on ${this.opts.workerName}${this.stateNow === 'running' ? '' : ` (the process is ${this.stateNow})`}` };
  }
}

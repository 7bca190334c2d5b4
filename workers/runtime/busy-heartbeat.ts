// The runtime's heartbeat for the console's Busy view: every beat, one bounded record of what this
// process runs now, expiring after 3 beats in the store's clock (lib/store/connection-records.ts: on
// Redis KEYS.busyRecord and the prefix's index, one MULTI after one TIME; on PostgreSQL a row of
// drover.busy_runtime). A killed process's record expires by itself; a graceful stop deletes it.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import { BUSY_HEARTBEAT_TTL_BEATS, BUSY_RECORD_MAX_BYTES, BUSY_RECORD_MAX_JOBS, BUSY_RECORD_MAX_QUEUES, capId, capText, type BusyRecord, type BusyRunningJob } from '@/lib/workers/busy-record';
import type { DroverWorker } from './drover-worker';
import type { RuntimeState } from './control';

export type BusyHeartbeatOptions = {
  /** The connection's records, where the heartbeat goes. */
  records: ConnectionRecords;
  workerName: string;
  workers: ReadonlyMap<string, DroverWorker>;
  intervalMs: number;
  logger: Logger;
  /** This runtime's id (random when not given): the console's worker control names the process by it. */
  runtimeId?: string;
  /** The process's control state and locally paused queues (workers/runtime/control.ts), when controlled. */
  status?: () => { state: RuntimeState; paused: string[] };
};

export class BusyHeartbeat {
  readonly runtimeId: string;
  private readonly startedAt = Date.now();
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private stopped = false;

  constructor(private readonly opts: BusyHeartbeatOptions) {
    this.runtimeId = opts.runtimeId ?? randomUUID();
  }

  get ttlMs(): number {
    return this.opts.intervalMs * BUSY_HEARTBEAT_TTL_BEATS;
  }

  /**
   * The record as of now: the oldest running jobs across the process's queues, at most
   * BUSY_RECORD_MAX_JOBS and BUSY_RECORD_MAX_BYTES of JSON (jobsTotal counts every one).
   */
  record(now = Date.now()): BusyRecord {
    const running: BusyRunningJob[] = [];
    let jobsTotal = 0;
    const queues = [...this.opts.workers.keys()].sort();
    const listed = queues.slice(0, BUSY_RECORD_MAX_QUEUES);
    const concurrency: Record<string, number> = {};
    for (const queue of listed) concurrency[queue] = this.opts.workers.get(queue)!.concurrency;
    // Up to the budget from each queue, then the oldest across them: one busy queue does not hide
    // another's longer-running jobs.
    for (const [queue, worker] of this.opts.workers) {
      jobsTotal += worker.runningCount;
      for (const job of worker.runningJobs(BUSY_RECORD_MAX_JOBS)) running.push({ queue, ...capId(job.id), name: capText(job.name), startedAt: job.startedAt });
    }
    running.sort((a, b) => a.startedAt - b.startedAt);
    const [host, pid] = [os.hostname(), process.pid];
    const status = this.opts.status?.();
    const control = status ? { controllable: true, state: status.state, paused: status.paused.filter((q) => listed.includes(q)) } : {};
    const record: BusyRecord = { runtimeId: this.runtimeId, workerName: this.opts.workerName, host, pid, startedAt: this.startedAt, beatAt: now, queues: listed, queuesTotal: queues.length, concurrency, ...control, jobs: [], jobsTotal };
    // BullMQ allows job ids of any length: the record stays small whatever they are.
    let bytes = Buffer.byteLength(JSON.stringify(record));
    for (const job of running.slice(0, BUSY_RECORD_MAX_JOBS)) {
      bytes += Buffer.byteLength(JSON.stringify(job)) + 1;
      if (bytes > BUSY_RECORD_MAX_BYTES) break;
      record.jobs.push(job);
    }
    return record;
  }

  /** One beat now, then every intervalMs until stop(). Resolves once the first beat is written (or failed). */
  start(): Promise<void> {
    return this.beat();
  }

  private beat(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.beating = this.write().catch((err: Error) => this.opts.logger.warn({ event: 'busy.heartbeat_failed', err: err.message }, 'busy heartbeat write failed'));
    void this.beating.finally(() => {
      if (!this.stopped) this.timer = setTimeout(() => void this.beat(), this.opts.intervalMs);
    });
    return this.beating;
  }

  private async write(): Promise<void> {
    await this.opts.records.beatBusy(this.runtimeId, this.ttlMs, (now) => JSON.stringify(this.record(now)));
  }

  /** No more beats; the record and its index entry go (best effort: otherwise they expire). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.beating;
    await this.opts.records
      .removeBusy(this.runtimeId)
      .catch((err: Error) => this.opts.logger.warn({ event: 'busy.heartbeat_remove_failed', err: err.message }, 'busy heartbeat not removed (it expires)'));
  }
}

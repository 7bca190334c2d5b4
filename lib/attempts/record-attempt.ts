// Writes attempt records. The runtime records a start and an end per run; to keep that cheap, records
// are batched per connection (sent at most ATTEMPT_FLUSH_MS later, or at ATTEMPT_FLUSH_MAX records)
// as one write of the connection's records (one Lua call on Redis, one transaction on PostgreSQL), and
// a run that starts and ends within one batch is written once.
import type { AttemptWrite, ConnectionRecords } from '@/lib/store/connection-records';
import { ATTEMPTS_CAP, ATTEMPTS_TTL_MS, ATTEMPT_ERROR_MAX, type AttemptOutcome } from './attempt';

export type AttemptRef = {
  queue: string;
  jobId: string;
  attempt: number;
  startedAt: number;
  worker: string;
  /** job.timestamp, so readAttempts can drop the history of an earlier job with the same id. */
  jobTimestamp?: number;
  /** The run's OpenTelemetry trace (workers with telemetry on). */
  traceId?: string;
};

export type AttemptEnd = {
  endedAt: number;
  outcome: Exclude<AttemptOutcome, 'running'>;
  error?: string;
  /** The run went back to delayed without using an attempt (a receiver's rate limit): counted against MAX_REQUEUES. */
  requeued?: true;
};

/** Records wait at most this long, or until this many are pending, before they go out in one call. */
export const ATTEMPT_FLUSH_MS = 20;
export const ATTEMPT_FLUSH_MAX = 500;

type Operation = { ref: AttemptRef; end?: AttemptEnd };

function truncate(error: string | undefined): string | undefined {
  return error === undefined || error.length <= ATTEMPT_ERROR_MAX ? error : `${error.slice(0, ATTEMPT_ERROR_MAX - 1)}…`;
}

/** Same JSON as JSON.stringify of an Attempt, with the identifying keys first. */
function serialise(op: Operation): string {
  const { ref, end } = op;
  const rest = end
    ? { endedAt: end.endedAt, worker: ref.worker, outcome: end.outcome, error: truncate(end.error), requeued: end.requeued, jobTimestamp: ref.jobTimestamp, traceId: ref.traceId }
    : { worker: ref.worker, outcome: 'running', jobTimestamp: ref.jobTimestamp, traceId: ref.traceId };
  return `{"attempt":${ref.attempt},"startedAt":${ref.startedAt},${JSON.stringify(rest).slice(1)}`;
}

/**
 * Batches the attempt records written through one connection. The runtime keeps one per worker
 * connection and passes the same `ref` object to start() and end(), which lets a short run be
 * written once. Records are serialised only when they are sent.
 */
export class AttemptRecorder {
  private ops: Operation[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  /** The last batch sent (never rejects: a failure goes to onError and the waiters). */
  private lastSend: Promise<void> = Promise.resolve();

  constructor(
    private readonly records: ConnectionRecords,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  start(ref: AttemptRef): void {
    this.push({ ref });
  }

  end(ref: AttemptRef, end: AttemptEnd): void {
    this.push({ ref, end });
  }

  /** Resolves once the records queued so far reached the store. */
  whenSent(): Promise<void> {
    if (this.ops.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Sends the pending records now (call before closing the connection). Resolves once they — and a
   * batch already on its way (the timer's) — reached the store, so a read right after sees them.
   */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const ops = this.ops;
    const waiters = this.waiters;
    this.ops = [];
    this.waiters = [];
    if (ops.length === 0) return this.lastSend;
    // Both stores write one connection's batches in the order sent: this one settles after the earlier ones.
    const sent = this.send(ops).then(
      () => waiters.forEach((w) => w.resolve()),
      (err: Error) => {
        this.onError(err);
        waiters.forEach((w) => w.reject(err));
      },
    );
    this.lastSend = sent;
    return sent;
  }

  private push(op: Operation): void {
    this.ops.push(op);
    if (this.ops.length >= ATTEMPT_FLUSH_MAX) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), ATTEMPT_FLUSH_MS);
  }

  private send(ops: Operation[]): Promise<unknown> {
    const started = new Set<AttemptRef>();
    const whole = new Set<AttemptRef>();
    for (const op of ops) {
      if (!op.end) started.add(op.ref);
      else if (started.has(op.ref)) whole.add(op.ref);
    }
    const batch: AttemptWrite[] = [];
    for (const op of ops) {
      const isWhole = whole.has(op.ref);
      if (!op.end && isWhole) continue;
      const { queue, jobId, attempt, startedAt } = op.ref;
      batch.push({ queue, jobId, kind: op.end ? (isWhole ? 'r' : 'e') : 's', attempt, startedAt, record: serialise(op) });
    }
    return this.records.writeAttempts(batch, ATTEMPTS_CAP, ATTEMPTS_TTL_MS);
  }
}

const recorders = new WeakMap<ConnectionRecords, AttemptRecorder>();

function recorderFor(records: ConnectionRecords): AttemptRecorder {
  let recorder = recorders.get(records);
  if (!recorder) {
    recorder = new AttemptRecorder(records);
    recorders.set(records, recorder);
  }
  return recorder;
}

/** Records that a run started (outcome "running"); resolves once written. */
export function recordAttemptStart(records: ConnectionRecords, ref: AttemptRef): Promise<void> {
  const recorder = recorderFor(records);
  recorder.start(ref);
  return recorder.whenSent();
}

/** Records how a run ended, replacing its "running" record; resolves once written. */
export function recordAttemptEnd(records: ConnectionRecords, ref: AttemptRef, end: AttemptEnd): Promise<void> {
  const recorder = recorderFor(records);
  recorder.end(ref, end);
  return recorder.whenSent();
}

/** Sends the records still waiting for this connection (the functions above batch them). */
export function flushAttemptRecords(records: ConnectionRecords): Promise<void> {
  return recorders.get(records)?.flush() ?? Promise.resolve();
}

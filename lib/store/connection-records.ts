// What Drover keeps for itself per connection, beside the queues: attempt history, the cancel channel
// and its acks, Busy heartbeats, receivers' pauses, paused schedules. A Redis connection keeps them in
// its own Redis under the queues' prefix (lib/store/redis/connection-records.ts); a PostgreSQL queue
// connection in schema "drover" of that same database (lib/store/postgres/connection-records.ts), so a
// PostgreSQL deployment needs no Redis. The console reaches them as Connection.records; the worker
// runtime builds the same from its connection's settings. Not server-only: the runtime uses it.
import type { CancelAck, CancelRequest } from '@/lib/cancellation/cancel-request';
import type { ControlAck, ControlMessage, WorkerSettingChange } from '@/lib/worker-control/control-message';
import type { CircuitRecords } from './circuit-records';

/** One attempt record of a batch (lib/attempts/record-attempt.ts): a start, an end, or a whole run. */
export type AttemptWrite = {
  queue: string;
  jobId: string;
  /** s: a run started; e: a run ended (replaces its "running" record); r: a whole run written once. */
  kind: 's' | 'e' | 'r';
  /** Identify the run whose record an end replaces. */
  attempt: number;
  startedAt: number;
  /** The record's JSON, starting {"attempt":N,"startedAt":T, … */
  record: string;
};

/** What readBusy found: the records small enough to read (raw JSON), and how many others there are. */
export type BusyBeats = {
  /** Live heartbeats (up to the limit asked), raw JSON. */
  values: string[];
  /** Live heartbeats in all (beyond the limit too). */
  total: number;
  /** Of those read, records over the byte bound (not read). */
  tooLarge: number;
  /** Of those listed, records gone between the listing and the read. */
  gone: number;
};

/** A cancel request's raw payload as it arrived for one of the queues listened on. */
export type CancelMessageHandler = (queue: string, raw: string) => void;

export type CancelSubscription = {
  /** Stops listening; the records' owner closes the connections. */
  stop: () => Promise<void>;
};

export interface ConnectionRecords {
  /** Writes a batch of attempt records in one round (caps each job's history, refreshes its expiry). */
  writeAttempts(batch: AttemptWrite[], cap: number, ttlMs: number): Promise<void>;
  /** The raw attempt records of these jobs of one queue, newest first, at most `count` each (null: unreadable). */
  attemptLists(queue: string, jobIds: string[], count: number): Promise<Array<string[] | null>>;

  /** Sends a cancel request to the runtimes listening on `queue`; how many listen (0: nobody got it). */
  publishCancel(queue: string, request: CancelRequest): Promise<number>;
  /** The acks of one request so far, oldest first, at most `max` (raw JSON). */
  cancelAcks(requestId: string, max: number): Promise<string[]>;
  /** A runtime's answer to one request (kept a short while: CANCEL_ACK_TTL_SECONDS). */
  ackCancel(requestId: string, ack: CancelAck): Promise<void>;
  /** Runtime side: one listener for the process, on the queues it runs (lib/cancellation parses and answers). */
  listenForCancel(queues: string[], onMessage: CancelMessageHandler): Promise<CancelSubscription>;

  /** Sends a worker control command to every runtime of the connection; how many listen (0: nobody got it). */
  publishControl(message: ControlMessage): Promise<number>;
  /** The acks of one control command so far, oldest first, at most `max` (raw JSON). */
  controlAcks(requestId: string, max: number): Promise<string[]>;
  /** A runtime's answer to one control command (kept a short while: CONTROL_ACK_TTL_SECONDS). */
  ackControl(requestId: string, ack: ControlAck): Promise<void>;
  /**
   * Runtime side: one control listener for the process (lib/worker-control parses and answers);
   * `onResubscribed` runs once listening again after a lost connection (messages sent meanwhile are lost).
   */
  listenForControl(onMessage: (raw: string) => void, onResubscribed?: () => void): Promise<CancelSubscription>;
  /** The stored worker settings (raw JSON) of these queues; a queue without one is absent. */
  workerSettings(queues: string[]): Promise<Map<string, string>>;
  /**
   * Changes some fields of a queue's worker setting in one atomic write (undefined: untouched; null:
   * removed), so two consoles changing different fields at once both keep theirs. False (nothing
   * written) when the change adds a setting to a queue without one while the connection holds
   * `maxQueues` (default WORKER_SETTINGS_MAX_QUEUES) queues with one.
   */
  updateWorkerSetting(queue: string, change: WorkerSettingChange, maxQueues?: number): Promise<boolean>;

  /**
   * Writes one runtime's heartbeat (expiring `ttlMs` after the store's clock reads now) and prunes the
   * expired ones; `render` gets that clock's now.
   */
  beatBusy(runtimeId: string, ttlMs: number, render: (now: number) => string): Promise<void>;
  /** A stopping runtime's heartbeat goes at once. */
  removeBusy(runtimeId: string): Promise<void>;
  /** The live heartbeats, at most `limit`, none read over `maxBytes`. */
  readBusy(limit: number, maxBytes: number): Promise<BusyBeats>;
  /**
   * The last heartbeat of runtimes that stopped beating without a goodbye (expired: 3 missed beats)
   * within GONE_KEPT_MS, most recent first, at most `limit`, none read over `maxBytes` (raw JSON).
   */
  readGone(limit: number, maxBytes: number): Promise<string[]>;

  /** Holds deliveries to `peer` on `queue` for `ms` (a later pause replaces an earlier one). */
  pausePeer(queue: string, peer: string, ms: number): Promise<void>;
  /** Milliseconds left of a pause of `peer` on `queue`; 0 when none. */
  peerPauseRemaining(queue: string, peer: string): Promise<number>;

  /** A paused schedule's stored JSON, or null. */
  pausedSchedule(queue: string, id: string): Promise<string | null>;
  /** Which of `ids` are paused in `queue`. */
  pausedScheduleIds(queue: string, ids: string[]): Promise<Set<string>>;
  /** Stores a paused copy; false when one with this id exists already (nothing overwritten). */
  storePausedSchedule(queue: string, id: string, json: string): Promise<boolean>;
  /** Replaces (or writes) a paused copy. */
  replacePausedSchedule(queue: string, id: string, json: string): Promise<void>;
  removePausedSchedule(queue: string, id: string): Promise<boolean>;
  /** Paused copies of the connection (or of one queue), at most about `max`. */
  listPausedSchedules(queue: string | undefined, max: number): Promise<Array<{ queue: string; json: string }>>;

  /** The circuit breakers of the connection's destinations (lib/circuits). */
  readonly circuits: CircuitRecords;

  /** Closes what the records opened themselves (the runtime's listener; not shared clients or pools). */
  close(): Promise<void>;
}

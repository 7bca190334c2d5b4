// The dead-letter queue's part of the store seam: where a connection's dead letters live and how they
// are captured, found, read and removed. Redis keeps them as envelope jobs in the DLQ queue's failed
// set with Lua-maintained indexes (lib/store/redis/redis-dead-letters.ts over lib/dlq's scripts);
// PostgreSQL keeps them in Drover's own schema beside BullMQ's, captured in one statement that checks
// the origin job and inserts its envelope (lib/store/postgres/postgres-dead-letters.ts). The verbs in
// lib/dlq (list, detail, groups, summary, requeue, purge, export, "Send to DLQ") and the worker
// runtime's capture call this and never ask which store they talk to.
import type { FailedJobFacts } from '@/lib/dlq/envelope';
import type { ScopedDeadLetterFilter as DeadLetterFilter } from '@/lib/dlq/schemas';
import type { Attempt } from '@/lib/attempts/attempt';

export type CaptureOutcome = 'captured' | 'duplicate' | 'not-failed' | 'changed' | 'missing';

export type CaptureOptions = {
  /** "runtime:<worker>" or "console:<user>" */
  capturedBy: string;
  /** The live path only: the job was removed on fail (removeOnFail), capture from memory anyway. */
  allowMissingOrigin?: boolean;
  now?: number;
  /**
   * The error group to index it under; default errorGroupOf(failedReason). Tests pass a group computed
   * by earlier grouping rules to stand for dead letters captured before an upgrade.
   */
  group?: { id: string; pattern: string };
};

export type CaptureResult = {
  /** origin ids captured now */
  captured: string[];
  /** origin ids already captured for this failure */
  duplicates: string[];
  /** origin ids not captured, with why: not failed (moved meanwhile), missing, changed (failed again meanwhile) */
  skipped: Array<{ id: string; reason: Exclude<CaptureOutcome, 'captured' | 'duplicate'> }>;
};

export type SweepResult = { scanned: number; captured: number; duplicates: string[]; caughtUp: boolean };

export type Retention = { maxAgeDays: number; maxCount: number };
export type RetentionResult = { expired: number; caughtUp: boolean; dangling: number };

export type RegroupResult = {
  /** every dead letter is grouped by the current rules */
  done: boolean;
  /** dead letters moved to another group by this call */
  moved: number;
};

export type RemoveReason = 'requeued' | 'purged' | 'expired';

export type DeadLetterRow = {
  id: string;
  /** origin queue and job id */
  queue: string;
  jobId: string;
  name: string;
  failedReason: string;
  /** full length when failedReason was cut */
  failedReasonLength: number;
  failedAt: number | null;
  attemptsMade: number;
  group: string;
  capturedAt: number | null;
  processedBy: string | null;
};

export type DeadLetterRowsPage = {
  /** exact when the filter is answered by an index (or a walk reached the end); null otherwise */
  total: number | null;
  hasNext: boolean;
  rows: DeadLetterRow[];
};

/** One dead letter's stored facts (the detail verb adds the connection and the data). */
export type DeadLetterFacts = {
  id: string;
  queue: string;
  jobId: string;
  name: string;
  failedReason: string;
  stacktrace: string[];
  attemptsMade: number;
  attemptsStarted: number;
  timestamp: number | null;
  processedOn: number | null;
  failedAt: number | null;
  processedBy: string | null;
  capturedAt: number | null;
  capturedBy: string | null;
  opts: Record<string, unknown>;
  group: { id: string; pattern: string | null };
  /** bytes of the envelope (data included) */
  envelopeSize: number;
  /** the origin job is still in its queue's failed set, failed by this very failure */
  originPresent: boolean;
  /**
   * The original job's runs, newest first: the attempt records Drover's runtime kept for it (read from
   * the origin's history while it lasts, else from the copy taken at capture). Empty when another
   * worker ran it (its errors are in `stacktrace`) or it was captured before copies were taken.
   */
  attempts: Attempt[];
  /**
   * The original job's log: how many lines it had at capture and its last lines (at most 100, each cut
   * to 1,000 bytes), copied at capture because BullMQ deletes them with the job. null for a dead letter
   * captured before the copy was taken.
   */
  logs: { count: number; lines: string[] } | null;
};

export type ErrorGroupFacts = {
  id: string;
  /** the normalized failedReason ("connect ECONNREFUSED 10.0.0.x:5432") */
  pattern: string;
  /** the first raw failedReason seen in the group */
  sample: string;
  count: number;
  /** failedAt of the oldest and newest dead letter still in the group */
  firstSeen: number | null;
  lastSeen: number | null;
};

export type ErrorGroupCounts = { total: number; groupCount: number; groups: ErrorGroupFacts[]; partial?: boolean };

/** Dead letters a scoped caller's group counts examine at most per read (README › Team scopes). */
export const SCOPED_GROUPS_EXAMINED = 100_000;

export type DeadLetterCounts = {
  total: number;
  /** dead letters by origin queue, biggest first (at most 200) */
  queues: Array<{ queue: string; count: number }>;
  stats: { captured: number; requeued: number; purged: number; expired: number };
};

export interface DeadLetterStore {
  readonly deadLetterQueue: string;

  // ── capture ──
  /** One failed job from facts in memory (the runtime's live path), atomic with its indexes, idempotent. */
  capture(facts: FailedJobFacts, opts: CaptureOptions): Promise<{ outcome: CaptureOutcome; id: string }>;
  /** Failed jobs of one queue by id, read from the store in payload rounds bounded by bytes. */
  captureByIds(queue: string, ids: string[], opts: CaptureOptions): Promise<CaptureResult>;
  /** Failed jobs of a queue that failed at or before `upTo` (epoch ms). */
  countFailed(queue: string, upTo: number): Promise<number>;
  /** Their ids, oldest failure first, in chunks of `batch` (a score/keyset walk: removals cannot shift it). */
  failedIdChunks(queue: string, upTo: number, batch: number): AsyncGenerator<string[]>;
  /** The runtime's sweep: failed jobs of `queue` since its watermark not captured yet, bounded by maxJobs. */
  sweep(queue: string, opts: CaptureOptions & { batch?: number; maxJobs?: number; onCaptured?: (result: CaptureResult) => Promise<void> | void }): Promise<SweepResult>;
  /** Removes dead letters past the age or count limits, in bounded batches. */
  enforceRetention(retention: Retention, opts?: { batch?: number; maxBatches?: number; now?: number; danglingChecks?: number }): Promise<RetentionResult>;
  /** Moves dead letters captured under earlier grouping rules to their current groups, within a time budget. */
  regroup(opts?: { budgetMs?: number; batch?: number }): Promise<RegroupResult>;
  /** True once every dead letter is grouped by the current rules. */
  isRegrouped(): Promise<boolean>;

  // ── reads ──
  /** A page of rows (newest failure first) for a filter; walks within `walkMs` when the filter needs one. */
  page(filter: DeadLetterFilter, page: number, size: number, walkMs: number): Promise<DeadLetterRowsPage>;
  /** One dead letter's facts; null when it is gone. */
  detail(id: string): Promise<DeadLetterFacts | null>;
  /** The stored envelope JSON (payload included); null when it is gone. */
  envelopeText(id: string): Promise<string | null>;
  /**
   * Error groups, biggest first, with the DLQ's size and how many groups there are. With `origins` (a
   * team scope: origin queues and their counts), counted over those origins' dead letters only, examining
   * at most SCOPED_GROUPS_EXAMINED of them (`partial` then says the counts are of the newest ones).
   */
  groups(limit: number, origins?: Array<{ queue: string; count: number }>, maxExamined?: number): Promise<ErrorGroupCounts>;
  /** Origin queues with dead letters and how many each, biggest first, at most `max`. */
  originQueues(max: number): Promise<Array<{ queue: string; count: number }>>;
  /** The origin queue of each dead letter (null for one that is gone). */
  originsOf(ids: string[]): Promise<Array<string | null>>;
  /** Size, counts by origin queue and the growth counters. */
  counts(): Promise<DeadLetterCounts>;
  /** Every matching id (a snapshot, newest first), at most `max`. Refuses a group filter while re-grouping. */
  matchingIds(filter: DeadLetterFilter, max: number): Promise<{ ids: string[]; more: boolean }>;
  /** NDJSON lines {"id","group","envelope"} of every match, failed at or before `upTo`, in pieces bounded by bytes. */
  exportLines(filter: DeadLetterFilter, upTo: number): AsyncGenerator<string>;

  // ── requeue and removal ──
  /** Claims envelopes for a requeue (two operators never requeue one twice); returns the ids claimed. */
  claim(ids: string[], token: string, now: number, ttlMs: number): Promise<string[]>;
  release(ids: string[], token: string): Promise<void>;
  /** Whether each dead letter still exists. */
  exists(ids: string[]): Promise<boolean[]>;
  /** Envelope texts of these ids, in rounds bounded by bytes (null for one gone meanwhile). */
  envelopes(ids: string[]): AsyncGenerator<Array<{ id: string; text: string | null }>>;
  /** Removes dead letters (with a claim token: only those it still holds); returns the ids removed. */
  remove(ids: string[], reason: RemoveReason, claimToken?: string): Promise<string[]>;
}

// The seam under the verbs: what Drover reads from and asks of a queue store, with one implementation
// per store (lib/store/redis, lib/store/postgres). The verbs in lib/queues and lib/jobs call these and
// never know which store they talk to. Payload-free by design: lists and details carry sizes, not data.
import type { StoreKind } from '@/lib/config/schema';
import type { JobState } from '@/lib/jobs/job-states';
import type { JobSummary } from '@/lib/jobs/job-summary';
import type { StoredJobDetail } from '@/lib/jobs/get-job';
import type { QueueSummary } from '@/lib/queues/queue-summary';
import type { JobField } from '@/lib/jobs/schemas';
import type { WorkerInfo } from '@/lib/queues/workers-by-queue';
import type { RedisInfo } from '@/lib/queues/redis-info';
import type { Attempt } from '@/lib/attempts/attempt';
import type { MetricsMeta } from '@/lib/queues/throughput';
import type { QueueEventReader } from './event-reader';
import type { SchedulesStore } from './schedules-store';
import type { ActionsStore } from './actions-store';
import type { SearchStore } from './search-store';
import type { DeadLetterStore } from './dead-letter-store';

/** BullMQ's per-minute metrics of a queue: {count, prevTS, prevCount} (null when none) and the closed minutes, newest first. */
/** Where an incomplete queue-name scan stopped: the node (a Redis Cluster's masters in order) and its SCAN cursor. */
export type ScanPosition = { node: number; cursor: string };

export type MetricsRecord = { meta: MetricsMeta; data: number[] };

/** When a finished job was created, started and finished (for latency percentiles). */
export type JobTiming = { name: string; timestamp: number | null; processedOn: number | null; finishedOn: number | null };

/** approximate: total is an estimate (PostgreSQL above its exact-count bound); absent when exact. */
export type JobPageSlice = { total: number; approximate?: boolean; jobs: JobSummary[] };

/** What an action needs to know of a job before moving it: its name, raw options and state. */
export type JobHandleFields = { name: string; opts: string; state: string };

export interface QueueStore {
  readonly kind: StoreKind;
  /** BullMQ's job schedulers (lib/store/schedules-store.ts). */
  readonly schedules: SchedulesStore;
  /** What the job and queue actions need beyond BullMQ's own Queue/Job API (lib/store/actions-store.ts). */
  readonly actions: ActionsStore;
  /** Walks through a state: search, the name filter, a flow's children (./search-store.ts). */
  readonly search: SearchStore;
  /** The connection's dead-letter queue: capture, reads, requeue and removal (./dead-letter-store.ts). */
  readonly deadLetters: DeadLetterStore;
  /**
   * Queue names found in the store, stopping (complete: false) once the deadline (epoch ms) passes;
   * `resume` (what an incomplete scan returned) continues a scan where it stopped.
   */
  scanQueueNames(deadline: number, resume?: ScanPosition): Promise<{ names: Set<string>; complete: boolean; resume?: ScanPosition }>;
  /** Counts, flags and throughput of each queue, in one round trip. */
  queueSummaries(queues: string[], now: number): Promise<QueueSummary[]>;
  /** The queue page's extras: how many schedulers, and ms until the rate limiter lets jobs through. */
  queueExtras(queue: string): Promise<{ schedulers: number; rateLimitTtl: number }>;
  /** Jobs at ranks [start, start + size) of a state ('desc' = newest first), summary fields only. */
  jobPage(queue: string, state: JobState, order: 'desc' | 'asc', start: number, size: number): Promise<JobPageSlice>;
  /** Summaries in the order of `ids`; ids that vanished are dropped. */
  jobSummaries(queue: string, ids: string[]): Promise<JobSummary[]>;
  /** One job without its data and return value (sizes instead); null when it is gone. */
  jobDetail(queue: string, id: string): Promise<StoredJobDetail | null>;
  /** A job's data or return value as JSON text, cut at `limit` bytes (-1: all); null when the job is gone. */
  jobField(queue: string, id: string, field: JobField, limit: number): Promise<{ size: number; text: string } | null>;
  /** Log lines [start, end] in the order written, and how many there are. */
  jobLogs(queue: string, id: string, start: number, end: number): Promise<{ count: number; logs: string[] }>;
  /** Name, options and state of each job (null for a job that is gone), in one round trip. */
  jobHandles(queue: string, ids: string[]): Promise<Array<JobHandleFields | null>>;
  /** Each job's state now ('missing' when it is gone), in the order of `ids`, in one round trip. */
  jobStates(queue: string, ids: string[]): Promise<string[]>;
  /** How many children of a flow parent have not finished (BullMQ removes them with the parent). */
  pendingChildren(queue: string, id: string): Promise<number>;
  /** Connected BullMQ workers per queue (Redis: CLIENT LIST; PostgreSQL: named sessions in pg_stat_activity). */
  workersByQueue(): Promise<Map<string, WorkerInfo[]>>;
  /** Failed jobs still kept that failed at or after `from` (epoch ms), per queue; null where unreadable. */
  recentFailedCounts(queues: string[], from: number): Promise<Array<number | null>>;
  /** The Redis server's facts for the overview (memory, version, warnings); null for PostgreSQL. */
  serverInfo(fresh: boolean): Promise<RedisInfo | null>;
  /** The attempt history Drover's worker runtime recorded for a job (newest first). */
  attempts(queue: string, id: string): Promise<Attempt[]>;
  /** A new reader of the queues' event streams (one per connection per process: lib/events/event-stream-reader.ts keeps it). */
  openEventReader(): QueueEventReader;
  /** Whether each queue exists in the store (metadata or jobs), without scanning. */
  queuesExist(queues: string[]): Promise<boolean[]>;
  /** BullMQ's completed and failed metrics of a queue (the `points` newest minutes), and whether the queue exists. */
  metrics(queue: string, points: number): Promise<{ completed: MetricsRecord; failed: MetricsRecord; exists: boolean }>;
  /** How many `event` events (e.g. "stalled") the queue's event stream holds from `since` (ms) on, looking at the newest `maxScan` events at most. */
  recentEventCount(queue: string, event: string, since: number, maxScan: number): Promise<number>;
  /** Timings of the `count` most recently completed jobs, newest first. */
  recentCompletedTimings(queue: string, count: number, opts?: { names?: boolean }): Promise<JobTiming[]>;
  /** How many jobs each queue runs now (0 where it cannot be read), one round trip. */
  activeCounts(queues: string[]): Promise<number[]>;
  /** Ids of the `count` active jobs of a queue that have run longest, longest first. */
  longestActiveIds(queue: string, count: number): Promise<string[]>;
  /** Answers when the store does (Redis PING; PostgreSQL SELECT 1 with BullMQ's schema checked). */
  ping(): Promise<void>;
  /** A tiny write the store refuses when it cannot take writes (Redis at maxmemory): run before a change. */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

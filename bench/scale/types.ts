// The shapes shared by `npm run bench:scale` (bench/scale.ts): a store under test (Redis or
// PostgreSQL), the curves it measures and the targets it judges.
import type { Queue, Worker, Processor } from 'bullmq';

/**
 * One store under test, already started and empty: a private redis-server, or a private PostgreSQL
 * (plus the private redis-server Drover keeps its own data on). Implementations:
 * bench/scale/store-redis.ts, bench/scale/store-postgres.ts.
 */
export type ScaleStore = {
  kind: 'redis' | 'postgres';
  /** Human label for the report, e.g. "Redis 7.0.15" or "PostgreSQL 15.19". */
  label: string;
  /** Drover's connection name that holds the data ("default" on Redis, "postgres" on PostgreSQL). */
  connection: string;
  /** URL Bull Board's process is started with (redis:// or postgres://). */
  peerUrl: string;
  /** Drover's config file (written by the store: its connections, console connection). */
  configFile: string;
  /** Where the store server listens (console connections are counted to this port). */
  port: number;
  /** CPU time (user + sys, ms) the store's server processes have used so far. */
  cpuMs: () => Promise<number>;
  /** Client connections the store server has open now (CLIENT LIST / pg_stat_activity), excluding the bench's own. */
  clientCount: () => Promise<number>;
  /** A BullMQ Queue / Worker on this store (the caller closes them). */
  queue: (name: string) => Queue;
  worker: (name: string, processor: Processor, opts?: { concurrency?: number }) => Worker;
  /**
   * Seeding — fast paths that write what BullMQ itself writes (a template taken from a job BullMQ
   * really processed), so that millions of jobs take seconds, not minutes. Each returns when the
   * store holds the jobs and BullMQ's own counts agree.
   */
  /** Creates queues `names`, each with `waitingPerQueue` waiting jobs (~200-byte payloads). */
  addQueues: (names: string[], waitingPerQueue: number) => Promise<void>;
  /** Grows `queue`'s completed set from `from` to `to` jobs (~200-byte payloads; ids continue). */
  growCompleted: (queue: string, from: number, to: number) => Promise<void>;
  /** Adds `count` failed jobs to `queue` whose data is ~`payloadBytes` bytes of JSON. */
  addFailed: (queue: string, count: number, payloadBytes: number) => Promise<void>;
  /** Removes every job and queue (between dimensions), leaving Drover's own data alone. */
  reset: () => Promise<void>;
  stop: () => Promise<void>;
};

/** One measured point: a value of the dimension (e.g. 2,000 queues) for one side. */
export type Point = {
  x: number;
  p50_ms: number | null;
  p95_ms: number | null;
  /** store CPU per request (ms), mean over the measured samples */
  store_cpu_ms: number | null;
  /** console process tree RSS (MB) after the samples */
  rss_mb: number | null;
  samples: number;
  /** response size in bytes (decoded), when there is one */
  bytes?: number | null;
  /** free-form extra readings (connections, fan-out, …) */
  extra?: Record<string, number | string | null>;
};

/** One operation of a dimension measured on both sides at every size. */
export type Curve = {
  store: 'redis' | 'postgres';
  dimension: 'queues' | 'jobs' | 'payload' | 'clients' | 'replicas';
  /** e.g. "overview with counts", "completed, last page" */
  operation: string;
  /** axis label, e.g. "queues", "jobs in the queue", "payload bytes", "SSE clients", "console replicas" */
  xLabel: string;
  drover: Point[];
  peer: Point[];
  /** what each side called, for the report */
  drover_call: string;
  peer_call: string;
  notes?: string;
};

export type TargetRow = {
  target: string;
  store: 'redis' | 'postgres' | 'both';
  /** the measured value as text with its unit, e.g. "63 ms p50, 0.21× Bull Board" */
  measured: string;
  /** the threshold as text */
  threshold: string;
  met: boolean | null;
  /** where a target is missed: why, with the profile's summary */
  why?: string;
};

export type ScaleResult = {
  started: string;
  finished: string;
  seconds: number;
  quick: boolean;
  machine: { cpus: number; node: string; load_start: number[]; load_end: number[] };
  stores: Array<{ kind: 'redis' | 'postgres'; label: string }>;
  sizes: Record<string, number[]>;
  curves: Curve[];
  targets: TargetRow[];
  notes: string[];
  /** profiles taken where a target is missed: name → top frames summary text */
  profiles: Record<string, string>;
};

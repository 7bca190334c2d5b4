// What the Busy view answers (GET /api/v1/busy) and its bounds. Pure zod: the operation table imports it.
import { z } from 'zod';
import { connectionNameSchema } from '@/lib/config/schema';

export const BUSY_LIMITS = {
  /** processes listed per connection (heartbeats first, then other BullMQ workers); the rest are counted */
  processes: 50,
  /** jobs listed per process, the longest-running first; the rest are counted */
  jobsPerProcess: 25,
  /** queues listed per process, by name; the rest are counted */
  queuesPerProcess: 50,
  /** Redis addresses listed per other worker name, by address; the rest are counted */
  addressesPerProcess: 20,
  /** queues with non-Drover workers whose active-list lengths are read (one LLEN each, one pipeline), by name */
  queuesProbed: 1000,
  /** of those, the queues whose active lists are read: the ones running the most jobs */
  queuesRead: 20,
  /** jobs read from the end (the oldest) of each of those active lists */
  activeRead: 100,
} as const;

const progressSchema = z.union([z.number(), z.string()]).nullable();

export const busyJobSchema = z.object({
  queue: z.string(),
  /** at most BUSY_ID_CAP characters */
  id: z.string(),
  /** the id is longer than this (its start): the view does not link it */
  idTruncated: z.boolean(),
  name: z.string(),
  /** when the run started (ms); null when unknown */
  startedAt: z.number().nullable(),
  progress: progressSchema,
});
export type BusyJob = z.infer<typeof busyJobSchema>;

export const busyProcessSchema = z.object({
  /** drover: a Drover runtime's heartbeat; bullmq: other BullMQ workers of one name, from CLIENT LIST */
  kind: z.enum(['drover', 'bullmq']),
  key: z.string(),
  /** the BullMQ worker name (`name` option), "(unnamed)" when none */
  name: z.string(),
  /** named like a Drover runtime but without a live heartbeat (heartbeat off or failing, or another worker taking the name) */
  noHeartbeat: z.boolean(),
  host: z.string().nullable(),
  pid: z.number().nullable(),
  startedAt: z.number().nullable(),
  beatAt: z.number().nullable(),
  /** at most BUSY_LIMITS.queuesPerProcess, by name */
  queues: z.array(z.string()),
  /** how many queues the process runs */
  queuesTotal: z.number(),
  /** queue → jobs at once of the listed queues (Drover runtimes only) */
  concurrency: z.record(z.string(), z.number()).nullable(),
  /** Redis addresses of the worker's connections (other workers only: one name may run on several hosts) */
  addresses: z.array(z.string()),
  /** how many addresses that name connects from */
  addressesTotal: z.number(),
  jobs: z.array(busyJobSchema),
  jobsTotal: z.number(),
  /** jobsTotal may be low: an active list was longer than the part read, or a queue was not read */
  partial: z.boolean(),
  /** a Drover runtime that obeys the console's worker control (quiet, stop, concurrency, local pause) */
  controllable: z.boolean().optional(),
  /** its control state: running, quiet (takes no new jobs), stopping (exits once its jobs end) */
  state: z.enum(['running', 'quiet', 'stopping']).optional(),
  /** queues paused on this process only (Drover's local pause) */
  paused: z.array(z.string()).optional(),
});
export type BusyProcess = z.infer<typeof busyProcessSchema>;

export const busyConnectionSchema = z.object({
  name: z.string(),
  prefix: z.string(),
  /** set when Redis could not be read */
  error: z.string().nullable(),
  /** false when Redis refused CLIENT LIST: only Drover runtimes are listed */
  clientList: z.boolean(),
  /** live heartbeats that could not be read (larger than BUSY_RECORD_READ_MAX_BYTES, or not a record); counted in processesTotal */
  unreadable: z.number(),
  processes: z.array(busyProcessSchema),
  processesTotal: z.number(),
  runningTotal: z.number(),
});
export type BusyConnection = z.infer<typeof busyConnectionSchema>;

export const busySchema = z.object({
  generatedAt: z.number(),
  limits: z.object({ processes: z.number(), jobsPerProcess: z.number(), queuesPerProcess: z.number(), addressesPerProcess: z.number(), queuesProbed: z.number(), queuesRead: z.number(), activeRead: z.number() }),
  connections: z.array(busyConnectionSchema),
});
export type Busy = z.infer<typeof busySchema>;

export const busyQuerySchema = z.object({ conn: connectionNameSchema.optional() });


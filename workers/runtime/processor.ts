// What the runtime hands a processor, and how a kind's processor is wired (in-process or sandboxed).
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import type { JobKindDefinition } from '@/lib/job-kinds/kind';
import type { DestinationOf } from './circuit-destination';

/** Statements on a PostgreSQL queue connection's database (ProcessorContext.connection.sql). */
export type PostgresReader = { query: <R extends Record<string, unknown>>(text: string, values: unknown[]) => Promise<R[]>; schema: string };

export type ProcessorContext<Data = unknown> = {
  job: Job;
  /** The job's data parsed with the kind's schema (defaults applied). */
  data: Data;
  /** Aborted when the console cancels the job: stop and throw (the runtime fails the job). */
  signal: AbortSignal;
  /** Process log with queue, jobId and attempt bound. Job logs go through job.log(). */
  logger: Logger;
  /** The connection the worker runs on (e.g. for reports that read the queue). */
  connection: {
    /** Redis only: the queue's Redis (a PostgreSQL connection has none). */
    redis?: Redis;
    /** BullMQ's key prefix (Redis). */
    prefix: string;
    /** Drover's own records of the connection (peer pauses, …), on either store. */
    records: ConnectionRecords;
    /** Where the queue's jobs are: a processor reading the queue itself must know. */
    store: 'redis' | 'postgres';
    /**
     * PostgreSQL only: read-only statements on the queues' database (the runtime's own small pool, time-
     * limited) and BullMQ's schema there, for a processor that reads the queue itself (the report).
     */
    sql?: PostgresReader;
  };
  /** This process's worker name, "drover@host:pid". */
  worker: string;
};

export type InlineProcessor<Data = unknown, Result = unknown> = (ctx: ProcessorContext<Data>) => Promise<Result>;

export type ProcessorSpec = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  | { type: 'inline'; process: InlineProcessor<any, unknown> }
  /** A file BullMQ runs in a child process; its default export is `(job, token, signal) => result`. */
  | { type: 'sandboxed'; file: string }
) & {
  /** The external destination a job talks to, for its circuit breaker (workers/runtime/circuit-destination.ts). */
  destinationOf?: DestinationOf;
};

export type RuntimeKind = {
  definition: JobKindDefinition;
  processor: ProcessorSpec;
};

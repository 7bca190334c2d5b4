// The one registry of connections: per named connection a shared Redis client or PostgreSQL pool, its
// store (lib/store) and read-only Queue handles.
import 'server-only';
import { Queue, type PostgresConnection } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Pool, QueryResultRow } from 'pg';
import { getConfig } from '@/lib/config/get-config';
import type { ConnectionConfig } from '@/lib/config/schema';
import { NotFoundError, NotOnThisStoreError, ReadOnlyError, noteConnectionStore } from '@/lib/errors';
import type { QueueStore } from '@/lib/store/queue-store';
import { RedisQueueStore } from '@/lib/store/redis/redis-queue-store';
import { PostgresQueueStore } from '@/lib/store/postgres/postgres-queue-store';
import { createPgConnection, preparePgSchema, sharedPostgresBackend } from '@/lib/store/postgres/pg-pool';
import { DroverDb } from '@/lib/store/postgres/drover-db';
import { createRedisClient } from './create-client';
import { consoleScripts } from './console-scripts';
import { withLuaScripts } from './lua-scripts';
import { describeEndpoint } from '@/lib/config/redact';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import { RedisConnectionRecords } from '@/lib/store/redis/connection-records';
import { carryOverLegacyPausedSchedules } from '@/lib/schedules/legacy-paused';
import { logger } from '@/lib/log';
import { PostgresConnectionRecords } from '@/lib/store/postgres/connection-records';

export class Connection {
  readonly name: string;
  readonly config: ConnectionConfig;
  /** Where this connection's queues live, read and changed through one interface (lib/store). */
  readonly store: QueueStore;
  private client?: Redis;
  private pgConnection?: PostgresConnection;
  private pgReadyPromise?: Promise<void>;
  private droverDb?: DroverDb;
  private connectionRecords?: ConnectionRecords;
  private readonly queues = new Map<string, Queue>();

  constructor(config: ConnectionConfig) {
    this.name = config.name;
    this.config = config;
    noteConnectionStore(config.name, config.store);
    this.store = config.store === 'postgres' ? new PostgresQueueStore(this) : new RedisQueueStore(this);
  }

  get kind(): 'redis' | 'postgres' {
    return this.config.store;
  }

  get prefix(): string {
    return this.config.prefix;
  }

  get readOnly(): boolean {
    return this.config.readOnly;
  }

  /** host:port without credentials, safe to show. */
  get endpoint(): string {
    return describeEndpoint(this.config.url);
  }

  /** Shared client for console reads and writes; fails fast (not queued forever) when Redis is down. */
  get redis(): Redis {
    // What is not yet behind the store seam needs Redis: a precise 501 on a PostgreSQL connection.
    if (this.kind === 'postgres') throw new NotOnThisStoreError(this.name);
    if (!this.client) {
      this.client = withLuaScripts(createRedisClient(this.config, { purpose: 'console', maxRetriesPerRequest: 1 }), consoleScripts);
    }
    return this.client;
  }

  /**
   * Drover's own per-connection records (attempt history, cancel channel, Busy heartbeats, peer pauses,
   * paused schedules; lib/store/connection-records.ts): a Redis connection keeps them beside its queues
   * under their prefix (same cluster slot); a PostgreSQL connection in schema "drover" of its database.
   */
  get records(): ConnectionRecords {
    this.connectionRecords ??=
      this.kind === 'postgres'
        ? new PostgresConnectionRecords({
            db: this.drover,
            bullmqSchema: this.config.schema ?? 'bullmq',
            // Paused schedules an earlier Drover kept on a Redis console connection move in on first use.
            carryOver: {
              run: async (store) => {
                const consoleConn = getConsoleConnection();
                if (consoleConn.kind === 'redis') await carryOverLegacyPausedSchedules(consoleConn.redis, this.name, store);
              },
              onError: (err) => logger.warn({ event: 'schedules.carry_over_failed', connection: this.name, err: err.message }, 'paused schedules of an earlier version not moved yet (tried again on the next use)'),
            },
          })
        : new RedisConnectionRecords(this.redis, this.prefix);
    return this.connectionRecords;
  }

  /** The console's bounded pool to a PostgreSQL connection (statement_timeout on every statement). */
  get pg(): Pool {
    if (this.kind !== 'postgres') throw new Error(`Connection "${this.name}" is not a PostgreSQL connection`);
    return this.sharedPg.pool as unknown as Pool;
  }

  /** BullMQ's PostgresConnection this connection's pool and Queue handles share (made on first use). */
  private get sharedPg(): PostgresConnection {
    this.pgConnection ??= createPgConnection(this.config);
    return this.pgConnection;
  }

  /**
   * Drover's own schema ("drover") on this PostgreSQL connection, on the same bounded pool: the console's
   * data when this is the console connection, and the workers' records of its queues. Migrated by
   * Drover on first use; on a read-only connection only when it is the console connection (whose
   * `readOnly` protects its queues, not Drover's own data): a read-only queue connection's database
   * is never changed, a missing schema there is a clear 503. BullMQ's schema is not needed for it.
   */
  get drover(): DroverDb {
    this.droverDb ??= new DroverDb({
      pool: this.pg,
      where: `PostgreSQL connection "${this.name}"`,
      connection: this.name,
      readOnly: this.readOnly && getConsoleConnection() !== this,
    });
    return this.droverDb;
  }

  /** Drover's SQL on this PostgreSQL connection: BullMQ's schema checked once first, then the statement on the bounded pool. */
  async pgRows<R extends QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    await this.pgReady();
    return (await this.pg.query<R>(text, values)).rows;
  }

  /**
   * Once per connection before the first statement: BullMQ's schema checked (or migrated when the
   * connection says migrate: true); a failure is not remembered, so the next request tries again.
   */
  pgReady(): Promise<void> {
    this.pgReadyPromise ??= preparePgSchema(this.pg, this.config).catch((err: unknown) => {
      this.pgReadyPromise = undefined;
      throw err;
    });
    return this.pgReadyPromise;
  }

  /**
   * A Queue handle that never writes the queue's meta hash (BullMQ 6 rewrites it on construction
   * unless skipMetasUpdate is set): opening a queue to look at it must change nothing.
   */
  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue =
        this.kind === 'postgres'
          ? // BullMQ's PostgreSQL backend over the connection's one pool (no pool per queue).
            // BullMQ's PostgreSQL backend on the connection's one shared connection (lib/store/postgres/pg-pool.ts).
            // Typed as the Redis-backed Queue: the verbs use the part of the API both backends share.
            (new Queue(name, { connection: this.pg, skipMetasUpdate: true }, sharedPostgresBackend(this.sharedPg)) as unknown as Queue)
          : new Queue(name, { connection: this.redis, prefix: this.prefix, skipMetasUpdate: true });
      queue.on('error', () => {
        /* surfaced by the calls themselves */
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * A tiny write that Redis refuses when it is at maxmemory (noeviction): run before a change so that
   * "out of memory" is reported before anything is touched.
   */
  async probeWrite(): Promise<void> {
    await this.store.probeWrite();
  }

  /** Throws when this connection is configured read-only. */
  assertWritable(): void {
    if (this.readOnly) throw new ReadOnlyError(this.name);
  }

  /** Redis key of a queue-level key, e.g. key('emails', 'wait') → "bull:emails:wait". */
  key(queue: string, ...parts: string[]): string {
    return [this.prefix, queue, ...parts].join(':');
  }

  /** "bull:emails:" — the prefix of every key of one queue. */
  queuePrefix(queue: string): string {
    return `${this.prefix}:${queue}:`;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    await this.store.close();
    if (this.pgConnection) {
      const connection = this.pgConnection;
      this.pgConnection = undefined;
      this.pgReadyPromise = undefined;
      this.droverDb = undefined;
      this.connectionRecords = undefined;
      await connection.close().catch(() => {});
    }
    if (this.client) {
      this.client.disconnect();
      this.client = undefined;
      this.connectionRecords = undefined;
    }
  }
}

const REGISTRY = Symbol.for('drover.connections');
type Holder = { [REGISTRY]?: Map<string, Connection> };

function registry(): Map<string, Connection> {
  const holder = globalThis as Holder;
  if (!holder[REGISTRY]) {
    holder[REGISTRY] = new Map(getConfig().connections.map((c) => [c.name, new Connection(c)]));
  }
  return holder[REGISTRY];
}

export function listConnections(): Connection[] {
  return [...registry().values()];
}

export function getConnection(name: string): Connection {
  const conn = registry().get(name);
  if (!conn) throw new NotFoundError(`Unknown connection "${name}"`);
  return conn;
}

/** The connection whose Redis holds the console's own keys (users, tokens, audit, …). */
export function getConsoleConnection(): Connection {
  const cfg = getConfig();
  return getConnection(cfg.consoleConnection ?? cfg.connections[0].name);
}

/** Tests and shutdown: close every client and forget the registry. */
export async function closeAllConnections(): Promise<void> {
  const holder = globalThis as Holder;
  const conns = holder[REGISTRY];
  delete holder[REGISTRY];
  if (conns) await Promise.allSettled([...conns.values()].map((c) => c.close()));
}

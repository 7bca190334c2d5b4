// Drover's own tables on one PostgreSQL connection (schema "drover", lib/store/postgres/drover-schema.ts):
// the statements of the console's data (users, sessions, tokens, audit, alerts, samples, progress) and
// of the workers' records run through here, after Drover's migrations ran once in this process.
// Not server-only: the worker runtime keeps its records here too.
import type pg from 'pg';
import { toDroverError } from '@/lib/errors';
import { migrateDroverSchema } from './drover-schema';
import { holdClient } from './held-client';

/** One statement inside a transaction (tx). */
export type TxQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

type PoolLike = Pick<pg.Pool, 'query' | 'connect'>;

export type DroverDbOptions = {
  pool: PoolLike;
  /** Names the connection in errors: `PostgreSQL connection "x"`. */
  where: string;
  /** The connection's name: an unreachable server, a full disk, a time-out become its precise 503. */
  connection?: string;
  /** Never create or upgrade the schema (a read-only connection): a missing one is a clear 503. */
  readOnly?: boolean;
};

export class DroverDb {
  private readyPromise?: Promise<void>;

  constructor(private readonly o: DroverDbOptions) {}

  get where(): string {
    return this.o.where;
  }

  /**
   * PostgreSQL's failures as the precise errors the pages and the API show (unreachable, time-out, disk
   * full, read-only: 503 naming the connection); anything else unchanged.
   */
  private failure(err: unknown): unknown {
    const mapped = toDroverError(err, this.o.connection);
    return mapped.code === 'internal' ? err : mapped;
  }

  /** Drover's schema brought to this version once per process (a failure is retried on the next use). */
  ready(): Promise<void> {
    this.readyPromise ??= migrateDroverSchema(this.o.pool, this.o.where, { readOnly: this.o.readOnly }).then(
      () => undefined,
      (err: unknown) => {
        this.readyPromise = undefined;
        throw this.failure(err);
      },
    );
    return this.readyPromise;
  }

  /** One statement on the pool (under the pool's statement_timeout). */
  async rows<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    await this.ready();
    try {
      return (await this.o.pool.query<R>(text, values)).rows;
    } catch (err) {
      throw this.failure(err);
    }
  }

  /** One statement; its row count (for UPDATE/DELETE). */
  async run(text: string, values: unknown[] = []): Promise<number> {
    await this.ready();
    try {
      return (await this.o.pool.query(text, values)).rowCount ?? 0;
    } catch (err) {
      throw this.failure(err);
    }
  }

  /**
   * Statements in one transaction. `locks` (any strings) are taken first as transaction advisory locks,
   * in sorted order so two transactions never take them in opposite orders; they end with the
   * transaction. A connection whose rollback failed is discarded, not returned to the pool.
   */
  async tx<T>(fn: (query: TxQuery) => Promise<T>, locks: string[] = []): Promise<T> {
    await this.ready();
    const client = await this.o.pool.connect().catch((err: unknown) => {
      throw this.failure(err);
    });
    let broken: Error | undefined;
    const held = holdClient(client);
    try {
      await client.query('BEGIN');
      for (const lock of [...new Set(locks)].sort()) await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lock]);
      const result = await fn((text, values) => client.query(text, values));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
      throw this.failure(err);
    } finally {
      held.done();
      client.release(broken ?? held.error());
    }
  }
}

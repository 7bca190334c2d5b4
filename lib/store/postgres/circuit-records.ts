// Circuit records on a PostgreSQL queue connection (lib/store/circuit-records.ts): table drover.circuit
// of that database, keyed by BullMQ's schema name. Times from the database's clock; a swap is one
// statement (INSERT … ON CONFLICT … WHERE version = expected) that also prunes expired rows, bounded.
// Not server-only: the worker runtime writes them.
import type { DroverDb } from './drover-db';
import type { CircuitRecords, StoredCircuit } from '../circuit-records';
import { CIRCUIT_TTL_MS } from '@/lib/circuits/circuit';

const D = 'drover';
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;
/** Expired rows removed per write. */
const PRUNE_BATCH = 100;

export class PostgresCircuitRecords implements CircuitRecords {
  constructor(
    private readonly db: DroverDb,
    private readonly schema: string,
  ) {}

  async readCircuit(destination: string): Promise<StoredCircuit> {
    const [row] = await this.db.rows<{ now: string; version: string | null; record: string | null; expired: boolean | null }>(
      `SELECT n.t::text AS now, c.version::text AS version, c.record, c.changed_at <= n.t - $3 AS expired
       FROM (SELECT ${NOW_MS} AS t) n LEFT JOIN ${D}.circuit c ON c.schema_name = $1 AND c.destination = $2`,
      [this.schema, destination, CIRCUIT_TTL_MS],
    );
    return { now: Number(row.now), version: row.version === null ? 0 : Number(row.version), json: row.expired === false ? row.record : null };
  }

  async swapCircuit(destination: string, version: number, json: string, ttlMs: number): Promise<boolean> {
    const written = await this.db.run(
      `WITH now AS (SELECT ${NOW_MS} AS t),
       pruned AS (
         DELETE FROM ${D}.circuit WHERE ctid IN (
           SELECT c.ctid FROM ${D}.circuit c, now WHERE c.schema_name = $1 AND c.changed_at <= now.t - $5 AND c.destination <> $2 LIMIT ${PRUNE_BATCH}))
       INSERT INTO ${D}.circuit AS c (schema_name, destination, version, record, changed_at) SELECT $1, $2, $3::bigint + 1, $4, now.t FROM now
       ON CONFLICT (schema_name, destination) DO UPDATE SET version = excluded.version, record = excluded.record, changed_at = excluded.changed_at
       WHERE c.version = $3::bigint`,
      [this.schema, destination, version, json, Math.round(ttlMs)],
    );
    return written === 1;
  }

  async listCircuits(max: number): Promise<{ now: number; circuits: Array<{ destination: string; json: string }> }> {
    const rows = await this.db.rows<{ now: string; destination: string | null; record: string | null }>(
      `SELECT n.t::text AS now, c.destination, c.record
       FROM (SELECT ${NOW_MS} AS t) n
       LEFT JOIN LATERAL (
         SELECT destination, record FROM ${D}.circuit WHERE schema_name = $1 AND changed_at > n.t - $2 ORDER BY changed_at DESC LIMIT $3
       ) c ON true`,
      [this.schema, CIRCUIT_TTL_MS, max],
    );
    const now = Number(rows[0]?.now ?? Date.now());
    return { now, circuits: rows.filter((r) => r.destination !== null && r.record !== null).map((r) => ({ destination: r.destination!, json: r.record! })) };
  }
}

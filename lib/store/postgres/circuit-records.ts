// Circuit records on a PostgreSQL queue connection (lib/store/circuit-records.ts): table drover.circuit
// of that database, keyed by BullMQ's schema name, `held` marking open and half-open records (migration
// 12). Times from the database's clock. A swap is one transaction under an advisory lock per BullMQ
// schema, so the caps hold under concurrent swaps from every worker process: one statement reads the
// version and the counts, then (when it fits) evicts the held rows idle longest a new held one needs
// (CIRCUIT_HELD_IDLE_MS) and the oldest closed rows a new destination needs,
// prunes expired rows (bounded) and writes. Only writes take the lock: a clean destination's jobs write
// nothing (workers/runtime/circuit-breaker.ts). Not server-only: the worker runtime writes them.
import type { DroverDb } from './drover-db';
import type { CircuitRecords, ListedCircuits, StoredCircuit, SwapResult } from '../circuit-records';
import { CIRCUIT_CAPS, CIRCUIT_HELD_EVICT_MAX, CIRCUIT_HELD_IDLE_MS, CIRCUIT_TTL_MS, holdsJobs, type CircuitCaps } from '@/lib/circuits/circuit';

const D = 'drover';
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;
/** Expired rows removed per write. */
const PRUNE_BATCH = 100;

export class PostgresCircuitRecords implements CircuitRecords {
  constructor(
    private readonly db: DroverDb,
    private readonly schema: string,
    private readonly caps: CircuitCaps = CIRCUIT_CAPS,
  ) {}

  async readCircuit(destination: string): Promise<StoredCircuit> {
    const [row] = await this.db.rows<{ now: string; version: string | null; record: string | null; expired: boolean | null }>(
      `SELECT n.t::text AS now, c.version::text AS version, c.record, c.changed_at <= n.t - $3 AS expired
       FROM (SELECT ${NOW_MS} AS t) n LEFT JOIN ${D}.circuit c ON c.schema_name = $1 AND c.destination = $2`,
      [this.schema, destination, CIRCUIT_TTL_MS],
    );
    return { now: Number(row.now), version: row.version === null ? 0 : Number(row.version), json: row.expired === false ? row.record : null };
  }

  async swapCircuit(destination: string, version: number, json: string, ttlMs: number): Promise<SwapResult> {
    const held = holdsJobs(json);
    const ttl = Math.round(ttlMs);
    return this.db.tx(async (query) => {
      // Under the lock: nothing else changes this schema's rows between these statements.
      const [state] = (
        await query<{ version: string | null; was_held: boolean | null; held_count: number; total: number }>(
          `SELECT (SELECT version::text FROM ${D}.circuit WHERE schema_name = $1 AND destination = $2) AS version,
                  (SELECT held FROM ${D}.circuit WHERE schema_name = $1 AND destination = $2 AND changed_at > n.t - $3) AS was_held,
                  (SELECT count(*) FROM ${D}.circuit WHERE schema_name = $1 AND held AND changed_at > n.t - $3)::int AS held_count,
                  (SELECT count(*) FROM ${D}.circuit WHERE schema_name = $1 AND changed_at > n.t - $3)::int AS total
           FROM (SELECT ${NOW_MS} AS t) n`,
          [this.schema, destination, ttl],
        )
      ).rows;
      if ((state.version === null ? 0 : Number(state.version)) !== version) return 'conflict';
      let evicted = 0;
      const need = held && state.was_held !== true ? state.held_count - this.caps.heldMax + 1 : 0;
      if (need > 0) {
        // The held cap is full: the held rows idle longest make room, if enough are idle (none otherwise).
        if (need > CIRCUIT_HELD_EVICT_MAX) return 'full';
        const idle = (
          await query<{ destination: string }>(
            `SELECT destination FROM ${D}.circuit
             WHERE schema_name = $1 AND held AND destination <> $2 AND changed_at > ${NOW_MS} - $3 AND changed_at < ${NOW_MS} - $4
             ORDER BY changed_at LIMIT $5`,
            [this.schema, destination, ttl, CIRCUIT_HELD_IDLE_MS, need],
          )
        ).rows.map((r) => r.destination);
        if (idle.length < need) return 'full';
        await query(`DELETE FROM ${D}.circuit WHERE schema_name = $1 AND destination = ANY($2::text[])`, [this.schema, idle]);
        evicted = idle.length;
      }
      const excess = state.was_held === null ? state.total - evicted - this.caps.recordsMax + 1 : 0;
      if (excess > 0) {
        await query(
          `DELETE FROM ${D}.circuit WHERE (schema_name, destination) IN (
             SELECT schema_name, destination FROM ${D}.circuit
             WHERE schema_name = $1 AND NOT held AND destination <> $2 AND changed_at > ${NOW_MS} - $3
             ORDER BY changed_at LIMIT $4)`,
          [this.schema, destination, ttl, excess],
        );
      }
      await query(
        `DELETE FROM ${D}.circuit WHERE ctid IN (
           SELECT ctid FROM ${D}.circuit WHERE schema_name = $1 AND changed_at <= ${NOW_MS} - $3 AND destination <> $2 LIMIT ${PRUNE_BATCH})`,
        [this.schema, destination, ttl],
      );
      const written = await query(
        `INSERT INTO ${D}.circuit AS c (schema_name, destination, version, record, changed_at, held) VALUES ($1, $2, $3::bigint + 1, $4, ${NOW_MS}, $5)
         ON CONFLICT (schema_name, destination) DO UPDATE SET version = excluded.version, record = excluded.record, changed_at = excluded.changed_at, held = excluded.held
         WHERE c.version = $3::bigint`,
        [this.schema, destination, version, json, held],
      );
      return written.rowCount === 1 ? 'written' : 'conflict';
    }, [`drover.circuit:${this.schema}`]);
  }

  async listCircuits(max: number, closedMax = max): Promise<ListedCircuits> {
    const rows = await this.db.rows<{ now: string; held_count: number; destination: string | null; record: string | null }>(
      `SELECT n.t::text AS now,
              (SELECT count(*) FROM ${D}.circuit WHERE schema_name = $1 AND held AND changed_at > n.t - $2)::int AS held_count,
              c.destination, c.record
       FROM (SELECT ${NOW_MS} AS t) n
       LEFT JOIN LATERAL (
         SELECT destination, record FROM (
           (SELECT destination, record, held, changed_at FROM ${D}.circuit WHERE schema_name = $1 AND held AND changed_at > n.t - $2 ORDER BY changed_at DESC LIMIT $4)
           UNION ALL
           (SELECT destination, record, held, changed_at FROM ${D}.circuit WHERE schema_name = $1 AND NOT held AND changed_at > n.t - $2 ORDER BY changed_at DESC LIMIT $5)
         ) u ORDER BY held DESC, changed_at DESC LIMIT $3
       ) c ON true`,
      [this.schema, CIRCUIT_TTL_MS, max, Math.min(max, this.caps.heldMax), Math.min(max, closedMax)],
    );
    const now = Number(rows[0]?.now ?? Date.now());
    return {
      now,
      held: rows[0]?.held_count ?? 0,
      circuits: rows.filter((r) => r.destination !== null && r.record !== null).map((r) => ({ destination: r.destination!, json: r.record! })),
    };
  }
}

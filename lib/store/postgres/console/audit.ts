// The audit log in table drover.audit: one row per entry (an aggregated one carries its repeat count,
// first and last call), drover.audit_aggregate naming the entry each (actor, action, outcome) folds
// into until its window ends. An aggregating append runs under a transaction advisory lock of its
// digest, so parallel refusals never make two entries nor lose a count; the cap deletes the oldest
// ids in bounded batches (never a table lock).
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import type { AuditAppend, AuditRepeats, AuditStore, StoredAuditEntry } from '@/lib/store/console/audit';
import * as SQL from './audit-sql';

/** Oldest entries deleted per append at most (the cap converges: one entry in, up to this many out). */
export const AUDIT_DELETE_BATCH = 1000;
/** Ended aggregations forgotten per append at most. */
const AGGREGATES_DELETE_BATCH = 100;

/** The entry's id as the audit page shows and continues from it: "<ms>-<row id>" (a stream id's shape). */
const entryId = (at: string, id: string) => `${at}-${id}`;
const rowId = (entryIdText: string) => entryIdText.split('-')[1];

export class PostgresAuditStore implements AuditStore {
  constructor(private readonly db: DroverDb) {}

  async probeWrite(): Promise<void> {
    // A write, not a read: SELECT 1 passes on a read-only standby, and the mutation would then run
    // without the audit entry it must have.
    await this.db.run(SQL.PROBE_WRITE);
  }

  async append(a: AuditAppend): Promise<{ id: string; count: number }> {
    const digest = a.aggregateDigest;
    if (digest !== null) {
      // A repeat of an entry in its window is one statement, without the digest's lock: a flood of
      // refused calls would otherwise queue on that lock, each holding one of the pool's connections
      // the whole console needs. The row lock serialises the bumps (exact counts); only a digest with
      // no live entry goes on to the locked insert below, which bumps instead if one appeared meanwhile.
      const [bumped] = await this.db.rows<{ id: string; at: string; repeat_count: number }>(SQL.BUMP_AGGREGATE, [digest, a.ts]);
      if (bumped) return { id: entryId(bumped.at, bumped.id), count: bumped.repeat_count };
    }
    return this.db.tx(
      async (query) => {
        if (digest !== null) {
          const bumped = (await query<{ id: string; at: string; repeat_count: number }>(SQL.BUMP_AGGREGATE, [digest, a.ts])).rows[0];
          if (bumped) return { id: entryId(bumped.at, bumped.id), count: bumped.repeat_count };
        }
        const id = (await query<{ id: string }>(SQL.INSERT_ENTRY, [a.ts, a.json, digest !== null])).rows[0].id;
        if (digest !== null) await query(SQL.SET_AGGREGATE, [digest, id, a.ts + a.windowMs]);
        await query(SQL.DELETE_OLDEST, [String(BigInt(id) - BigInt(a.maxEntries)), AUDIT_DELETE_BATCH]);
        await query(SQL.DELETE_EXPIRED_AGGREGATES, [a.ts, AGGREGATES_DELETE_BATCH]);
        return { id: entryId(String(a.ts), id), count: 1 };
      },
      digest !== null ? [`drover.audit.aggregate:${digest}`] : [],
    );
  }

  async readBefore(q: { cursor?: string; from?: number; to?: number; count: number }): Promise<StoredAuditEntry[]> {
    const rows = await this.db.rows<{ id: string; at: string; entry: string }>(SQL.READ_BEFORE, [
      q.cursor ? rowId(q.cursor) : null,
      q.from || null,
      q.to || null,
      q.count,
    ]);
    return rows.map((r) => ({ id: entryId(r.at, r.id), json: r.entry }));
  }

  async repeats(ids: string[]): Promise<Array<AuditRepeats | null>> {
    if (ids.length === 0) return [];
    const rows = await this.db.rows<{ id: string; repeat_count: number | null; repeat_first: string | null; repeat_last: string | null }>(SQL.REPEATS, [ids.map(rowId)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(rowId(id));
      return r && r.repeat_count !== null ? { count: r.repeat_count, first: Number(r.repeat_first), last: Number(r.repeat_last) } : null;
    });
  }

  async size(): Promise<number> {
    return (await this.db.rows<{ n: number }>(SQL.SIZE))[0].n;
  }
}

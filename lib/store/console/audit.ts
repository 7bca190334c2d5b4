// The audit log's store (lib/audit): a capped log of bounded entries, newest first, where refusals of
// one (actor, action, outcome) aggregate into one entry per window. Redis: a capped stream
// (lib/store/redis/console/audit.ts); PostgreSQL: table drover.audit (lib/store/postgres/console/audit.ts).
import 'server-only';
import { consolePart } from './part';
import { RedisAuditStore } from '@/lib/store/redis/console/audit';
import { PostgresAuditStore } from '@/lib/store/postgres/console/audit';

export type AuditAppend = {
  /** the bounded entry JSON (lib/audit/record-audit.ts) */
  json: string;
  /** ms, the entry's time */
  ts: number;
  /** the (actor, action, outcome) digest when this outcome aggregates; null for a change made */
  aggregateDigest: string | null;
  /** how long an aggregated entry takes repeats (ms from its first call) */
  windowMs: number;
  /** entries kept (approximately: the oldest go in bounded batches) */
  maxEntries: number;
};

export type AuditRepeats = { count: number; first: number; last: number };

/** One stored entry: its id ("<ms>-<n>": the cursor the audit page continues from) and its JSON. */
export type StoredAuditEntry = { id: string; json: string };

export interface AuditStore {
  /** Refuses (throws) when the store cannot take an entry now; nothing is written that matters. */
  probeWrite(): Promise<void>;
  /** Appends, or bumps the aggregated entry of this digest still in its window; its id and the calls it stands for. */
  append(a: AuditAppend): Promise<{ id: string; count: number }>;
  /** At most `count` entries newest first, before `cursor` (exclusive) and within [from, to] (ms). */
  readBefore(q: { cursor?: string; from?: number; to?: number; count: number }): Promise<StoredAuditEntry[]>;
  /** The aggregation of each of these entries (null: none kept). */
  repeats(ids: string[]): Promise<Array<AuditRepeats | null>>;
  /** Entries kept. */
  size(): Promise<number>;
}

export const auditStore = consolePart<AuditStore>({
  redis: (conn) => new RedisAuditStore(conn),
  postgres: (conn) => new PostgresAuditStore(conn.drover),
});

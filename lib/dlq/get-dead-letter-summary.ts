// The DLQ of one connection in numbers: size, counts by origin queue, and the counters behind its growth.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { Access } from '@/lib/auth/scope';
import { originsInScope } from './origin-scope';

export type DeadLetterSummary = {
  connection: string;
  deadLetterQueue: string;
  readOnly: boolean;
  /** Redis: the envelopes are jobs of the DLQ queue (its queue page lists them); PostgreSQL: rows of drover.dead_letter */
  store: 'redis' | 'postgres';
  /** dead letters now */
  total: number;
  /** dead letters by origin queue, biggest first */
  queues: Array<{ queue: string; count: number }>;
  /**
   * counters that only grow: captured − requeued − purged − expired ≈ total (growth over time for
   * metrics/alerts). null for a caller who sees only some origin queues (README › Team scopes): they
   * count the whole DLQ.
   */
  stats: { captured: number; requeued: number; purged: number; expired: number } | null;
  retention: { maxAgeDays: number; maxCount: number };
};

/** The summary of the whole DLQ (the CLI, the runtime, tests): its counters are always there. */
export type WholeDeadLetterSummary = DeadLetterSummary & { stats: NonNullable<DeadLetterSummary['stats']> };

/** `access`: the caller's (absent: the whole DLQ); a scoped caller gets only its origin queues' counts. */
export async function getDeadLetterSummary(conn: Connection): Promise<WholeDeadLetterSummary>;
export async function getDeadLetterSummary(conn: Connection, access: Access | undefined): Promise<DeadLetterSummary>;
export async function getDeadLetterSummary(conn: Connection, access?: Access): Promise<DeadLetterSummary> {
  const store = conn.store.deadLetters;
  const origins = await originsInScope(store, conn.name, access, 'viewer');
  const counts = origins
    ? { total: origins.reduce((n, o) => n + o.count, 0), queues: origins.slice(0, 200), stats: null }
    : await store.counts();
  return {
    connection: conn.name,
    deadLetterQueue: store.deadLetterQueue,
    readOnly: conn.readOnly,
    store: conn.kind,
    ...counts,
    retention: conn.config.deadLetterRetention,
  };
}

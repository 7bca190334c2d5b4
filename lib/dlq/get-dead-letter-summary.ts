// The DLQ of one connection in numbers: size, counts by origin queue, and the counters behind its growth.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';

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
  /** counters that only grow: captured − requeued − purged − expired ≈ total (growth over time for metrics/alerts) */
  stats: { captured: number; requeued: number; purged: number; expired: number };
  retention: { maxAgeDays: number; maxCount: number };
};

export async function getDeadLetterSummary(conn: Connection): Promise<DeadLetterSummary> {
  const store = conn.store.deadLetters;
  const counts = await store.counts();
  return {
    connection: conn.name,
    deadLetterQueue: store.deadLetterQueue,
    readOnly: conn.readOnly,
    store: conn.kind,
    ...counts,
    retention: conn.config.deadLetterRetention,
  };
}

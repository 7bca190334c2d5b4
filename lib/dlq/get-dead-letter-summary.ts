// The DLQ of one connection in numbers: size, counts by origin queue, and the counters behind its growth.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { dlqIndexBase } from './capture';
import { deadLetterTarget } from './filter';

export type DeadLetterSummary = {
  connection: string;
  deadLetterQueue: string;
  readOnly: boolean;
  /** dead letters now */
  total: number;
  /** dead letters by origin queue, biggest first */
  queues: Array<{ queue: string; count: number }>;
  /** counters that only grow: captured − requeued − purged − expired ≈ total (growth over time for metrics/alerts) */
  stats: { captured: number; requeued: number; purged: number; expired: number };
  retention: { maxAgeDays: number; maxCount: number };
};

export async function getDeadLetterSummary(conn: Connection): Promise<DeadLetterSummary> {
  const t = deadLetterTarget(conn);
  const base = dlqIndexBase(t);
  const [total, queues, stats] = await Promise.all([
    t.redis.zcard(`${base}:all`),
    t.redis.zrevrange(`${base}:queues`, 0, 199, 'WITHSCORES'),
    t.redis.hmget(`${base}:stats`, 'captured', 'requeued', 'purged', 'expired'),
  ]);
  const byQueue: Array<{ queue: string; count: number }> = [];
  for (let i = 0; i < queues.length; i += 2) byQueue.push({ queue: queues[i], count: Number(queues[i + 1]) });
  const [captured, requeued, purged, expired] = stats.map((v) => Number(v ?? 0));
  return {
    connection: conn.name,
    deadLetterQueue: t.deadLetterQueue,
    readOnly: conn.readOnly,
    total,
    queues: byQueue,
    stats: { captured, requeued, purged, expired },
    retention: conn.config.deadLetterRetention,
  };
}

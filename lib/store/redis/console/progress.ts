// Bulk operations' progress on the console Redis: hash drover:{console}:op:<id>, expiring.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import type { OperationProgress, ProgressStore } from '@/lib/store/console/progress';

export class RedisProgressStore implements ProgressStore {
  constructor(private readonly conn: Connection) {}

  async save(operationId: string, p: OperationProgress, ttlMs: number): Promise<void> {
    const key = KEYS.operation(operationId);
    await this.conn.redis
      .multi()
      .hset(key, { done: p.done, total: p.total, phase: p.phase, finished: p.finished ? 1 : 0, updatedAt: p.updatedAt, ...(p.target ? { conn: p.target.conn, ...(p.target.queue !== undefined ? { queue: p.target.queue } : {}) } : {}) })
      .pexpire(key, ttlMs)
      .exec();
  }

  async read(operationId: string): Promise<OperationProgress | null> {
    const raw = await this.conn.redis.hgetall(KEYS.operation(operationId));
    if (!raw.updatedAt) return null;
    const target = raw.conn !== undefined ? { conn: raw.conn, ...(raw.queue !== undefined ? { queue: raw.queue } : {}) } : undefined;
    return { done: Number(raw.done), total: Number(raw.total), phase: raw.phase, finished: raw.finished === '1', updatedAt: Number(raw.updatedAt), ...(target ? { target } : {}) };
  }
}

// Snapshot and restore of the keys a "retry all failed" touches, so every retry sample starts from
// the same data set. This restores state for measurement only: it writes Redis keys directly
// (DUMP/RESTORE), which a real console never does.
import type { Redis } from 'ioredis';

export type Snapshot = { keys: string[]; dumps: Array<Buffer | null> };

const CHUNK = 5000;

/**
 * The keys of queue `queue` that retrying its failed jobs changes: the failed set, the wait list,
 * the events stream, the marker, the meta hash (max events) and every failed job's hash.
 */
export async function retryKeys(redis: Redis, queue: string): Promise<string[]> {
  const p = `bull:${queue}:`;
  const failedIds: string[] = [];
  const total = await redis.zcard(`${p}failed`);
  for (let start = 0; start < total; start += CHUNK) failedIds.push(...(await redis.zrange(`${p}failed`, String(start), String(start + CHUNK - 1))));
  return [`${p}failed`, `${p}wait`, `${p}events`, `${p}marker`, `${p}meta`, ...failedIds.map((id) => p + id)];
}

export async function takeSnapshot(redis: Redis, keys: string[]): Promise<Snapshot> {
  const dumps: Array<Buffer | null> = [];
  for (let i = 0; i < keys.length; i += CHUNK) {
    const pipeline = redis.pipeline();
    for (const key of keys.slice(i, i + CHUNK)) pipeline.dumpBuffer(key);
    for (const [err, value] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      dumps.push(value as Buffer | null);
    }
  }
  return { keys, dumps };
}

export async function restoreSnapshot(redis: Redis, snapshot: Snapshot): Promise<void> {
  for (let i = 0; i < snapshot.keys.length; i += CHUNK) {
    const pipeline = redis.pipeline();
    for (let j = i; j < Math.min(i + CHUNK, snapshot.keys.length); j++) {
      const dump = snapshot.dumps[j];
      if (dump) pipeline.restore(snapshot.keys[j], '0', dump, 'REPLACE');
      else pipeline.del(snapshot.keys[j]);
    }
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
  }
}

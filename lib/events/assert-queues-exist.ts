// A live stream may watch only queues that exist: discovered (the cached discovery, never a new
// SCAN), named in the connection's config, or present in the store (Redis: its meta key, one EXISTS each,
// pipelined; PostgreSQL: its metadata or a job, one index probe each).
import 'server-only';
import { NotFoundError } from '@/lib/errors';
import { getConnection } from '@/lib/redis/connections';
import { cachedQueues } from '@/lib/queues/discover-queues';

export type QueueRef = { connection: string; queue: string };

const NAMED_IN_MESSAGE = 5;

/** Throws NotFoundError for an unknown connection, or naming the queues of a connection that do not exist. */
export async function assertQueuesExist(refs: QueueRef[]): Promise<void> {
  const byConnection = new Map<string, string[]>();
  for (const { connection, queue } of refs) {
    const list = byConnection.get(connection) ?? [];
    list.push(queue);
    byConnection.set(connection, list);
  }
  for (const [name, queues] of byConnection) {
    const conn = getConnection(name);
    const known = new Set([...cachedQueues(conn), ...conn.config.queues]);
    const unsure = queues.filter((q) => !known.has(q));
    if (unsure.length === 0) continue;
    const exists = await conn.store.queuesExist(unsure);
    const missing = unsure.filter((_, i) => !exists[i]);
    if (missing.length === 1) throw new NotFoundError(`Queue "${missing[0]}" not found on connection "${name}"`);
    if (missing.length > 1) {
      const named = missing.slice(0, NAMED_IN_MESSAGE).map((q) => `"${q}"`).join(', ');
      const more = missing.length > NAMED_IN_MESSAGE ? ` and ${missing.length - NAMED_IN_MESSAGE} more` : '';
      throw new NotFoundError(`Queues not found on connection "${name}": ${named}${more}`);
    }
  }
}

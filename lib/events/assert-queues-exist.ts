// A live stream may watch only queues that exist: discovered (the cached discovery, never a new
// SCAN), named in the connection's config, or present in the store (Redis: its meta key, one EXISTS each,
// pipelined; PostgreSQL: its metadata or a job, one index probe each). A queue outside the caller's
// scope (README › Team scopes) is answered exactly like one that does not exist.
import 'server-only';
import { NotFoundError, OutOfScopeError } from '@/lib/errors';
import { getConnection } from '@/lib/redis/connections';
import { cachedQueues } from '@/lib/queues/discover-queues';
import { connectionNotFound } from '@/lib/auth/authorize';
import type { QueueFilter } from '@/lib/auth/queue-filter';

export type QueueRef = { connection: string; queue: string };

const NAMED_IN_MESSAGE = 5;

/**
 * Throws NotFoundError for an unknown connection, or naming the queues of a connection that do not
 * exist; with `filter`, queues and connections it hides count as not existing (the same message, as an
 * OutOfScopeError so the audit log records a denial).
 */
export async function assertQueuesExist(refs: QueueRef[], filter?: QueueFilter): Promise<void> {
  const scoped = filter && !filter.everything ? filter : undefined;
  const byConnection = new Map<string, string[]>();
  for (const { connection, queue } of refs) {
    const list = byConnection.get(connection) ?? [];
    list.push(queue);
    byConnection.set(connection, list);
  }
  for (const [name, queues] of byConnection) {
    if (scoped && !scoped.connection(name)) throw connectionNotFound(name);
    const conn = getConnection(name);
    const hidden = new Set(scoped ? queues.filter((q) => !scoped.queue(name, q)) : []);
    const known = new Set([...cachedQueues(conn), ...conn.config.queues]);
    const unsure = queues.filter((q) => !hidden.has(q) && !known.has(q));
    const exists = unsure.length === 0 ? [] : await conn.store.queuesExist(unsure);
    const absent = new Set(unsure.filter((_, i) => !exists[i]));
    // In the order they were named, hidden or absent alike.
    const missing = queues.filter((q) => hidden.has(q) || absent.has(q));
    const NotFound = hidden.size > 0 ? OutOfScopeError : NotFoundError;
    if (missing.length === 1) throw new NotFound(`Queue "${missing[0]}" not found on connection "${name}"`);
    if (missing.length > 1) {
      const named = missing.slice(0, NAMED_IN_MESSAGE).map((q) => `"${q}"`).join(', ');
      const more = missing.length > NAMED_IN_MESSAGE ? ` and ${missing.length - NAMED_IN_MESSAGE} more` : '';
      throw new NotFound(`Queues not found on connection "${name}": ${named}${more}`);
    }
  }
}

// Finds every BullMQ queue of a connection (Redis: "<prefix>:<queue>:meta" keys by SCAN in bounded
// batches, never KEYS; PostgreSQL: the queues of BullMQ's meta and job tables), cached briefly per connection.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';

/** How long a discovery result is reused (DROVER_DISCOVERY_INTERVAL_MS); "Rediscover" and ?refresh=1 bypass it. */
const CACHE_MS = Number(process.env.DROVER_DISCOVERY_INTERVAL_MS) || 15_000;
const MAX_SCAN_MS = 4000;

type Discovery = { queues: string[]; complete: boolean; at: number };
const CACHE = Symbol.for('drover.discovery');
type Holder = { [CACHE]?: Map<string, Discovery> };

function cache(): Map<string, Discovery> {
  const holder = globalThis as Holder;
  holder[CACHE] ??= new Map();
  return holder[CACHE];
}

const REFRESHING = Symbol.for('drover.discovery.refreshing');
type RefreshHolder = { [REFRESHING]?: Map<string, Promise<Discovery>> };
function inFlight(): Map<string, Promise<Discovery>> {
  const holder = globalThis as RefreshHolder;
  holder[REFRESHING] ??= new Map();
  return holder[REFRESHING];
}

/** One scan per connection at a time, however many requests want it. */
function rescan(conn: Connection): Promise<Discovery> {
  let pending = inFlight().get(conn.name);
  if (!pending) {
    pending = conn.store
      .scanQueueNames(Date.now() + MAX_SCAN_MS)
      .then(({ names, complete }) => {
        for (const q of conn.config.queues) names.add(q);
        const discovery = { queues: [...names].sort((a, b) => a.localeCompare(b)), complete, at: Date.now() };
        cache().set(conn.name, discovery);
        return discovery;
      })
      .finally(() => inFlight().delete(conn.name));
    inFlight().set(conn.name, pending);
  }
  return pending;
}

/**
 * Queue names of a connection: discovered ones plus the ones named in the config, sorted. A stale
 * result is returned at once while a background rescan refreshes it (a SCAN over millions of keys
 * never sits on a request); `refresh` waits for a fresh scan.
 */
export async function discoverQueues(conn: Connection, opts: { refresh?: boolean } = {}): Promise<Discovery> {
  const cached = cache().get(conn.name);
  if (cached && !opts.refresh) {
    if (Date.now() - cached.at >= CACHE_MS) rescan(conn).catch(() => {});
    return cached;
  }
  return rescan(conn);
}

/** The last discovery result, even if stale (used while Redis is unreachable). */
export function cachedQueues(conn: Connection): string[] {
  return cache().get(conn.name)?.queues ?? [...conn.config.queues].sort();
}

// Finds every BullMQ queue under a connection's prefix from its "<prefix>:<queue>:meta" keys, with
// SCAN in bounded batches (never KEYS), cached briefly per connection.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { masterNodes } from '@/lib/redis/create-client';

/** How long a discovery result is reused (DROVER_DISCOVERY_INTERVAL_MS); "Rediscover" and ?refresh=1 bypass it. */
const CACHE_MS = Number(process.env.DROVER_DISCOVERY_INTERVAL_MS) || 15_000;
const SCAN_COUNT = 1000;
const MAX_SCAN_MS = 4000;

type Discovery = { queues: string[]; complete: boolean; at: number };
const CACHE = Symbol.for('drover.discovery');
type Holder = { [CACHE]?: Map<string, Discovery> };

function cache(): Map<string, Discovery> {
  const holder = globalThis as Holder;
  holder[CACHE] ??= new Map();
  return holder[CACHE];
}

/** Escapes glob characters so a prefix like "{bull}" or "a*b" matches itself only. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

async function scanQueueNames(conn: Connection): Promise<{ names: Set<string>; complete: boolean }> {
  const prefix = `${conn.prefix}:`;
  const match = `${escapeGlob(prefix)}*:meta`;
  const names = new Set<string>();
  const deadline = Date.now() + MAX_SCAN_MS;
  // On a Redis Cluster every master holds part of the keyspace: scan each of them.
  for (const node of await masterNodes(conn.redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
      cursor = next;
      for (const key of keys) {
        const name = key.slice(prefix.length, -':meta'.length);
        // "<prefix>:a:b:meta" would be a job or sub-key, not a queue: queue names have no ':'.
        if (name && !name.includes(':')) names.add(name);
      }
      if (Date.now() > deadline) return { names, complete: false };
    } while (cursor !== '0');
  }
  return { names, complete: true };
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
    pending = scanQueueNames(conn)
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

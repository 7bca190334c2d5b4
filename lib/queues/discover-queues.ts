// Finds every BullMQ queue of a connection (Redis: "<prefix>:<queue>:meta" keys by SCAN in bounded
// batches, never KEYS; PostgreSQL: the queues of BullMQ's meta and job tables), cached per connection.
//
// Cost that stays flat as the store grows: a SCAN walks every key, so on Redis its cost grows with the
// number of jobs (about 1 s of redis-server time per million keys here). Each scan call stops after
// DROVER_DISCOVERY_SCAN_MS and the next one resumes where it stopped, so a keyspace of any size is
// covered in bounded steps; and a finished scan is repeated no sooner than DISCOVERY_COST_FACTOR times
// its own duration (at least DROVER_DISCOVERY_INTERVAL_MS), which keeps background discovery under ~2 %
// of the store's time however many keys there are. "Rediscover" (?refresh=1) always scans now.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { ScanPosition } from '@/lib/store/queue-store';

/** The shortest time a discovery result is reused (DROVER_DISCOVERY_INTERVAL_MS); "Rediscover" and ?refresh=1 bypass it. */
const CACHE_MS = Number(process.env.DROVER_DISCOVERY_INTERVAL_MS) || 15_000;
/** Longest time one scan call runs before it yields (DROVER_DISCOVERY_SCAN_MS); the next call resumes. */
const MAX_SCAN_MS = Number(process.env.DROVER_DISCOVERY_SCAN_MS) || 4000;
/** A full scan that took T ms is repeated no sooner than this × T (background cost ≤ 1/this of the store's time). */
export const DISCOVERY_COST_FACTOR = 50;

type Discovery = {
  queues: string[];
  /** false while a scan of the whole store has not finished yet (the names are those found so far plus the last complete list) */
  complete: boolean;
  at: number;
  /** wall time of the last complete scan, summed over its resumed steps */
  scanMs: number;
};
type Partial = { names: Set<string>; resume: ScanPosition; ms: number };
const CACHE = Symbol.for('drover.discovery');
const PARTIAL = Symbol.for('drover.discovery.partial');
type Holder = { [CACHE]?: Map<string, Discovery>; [PARTIAL]?: Map<string, Partial> };

function cache(): Map<string, Discovery> {
  const holder = globalThis as Holder;
  holder[CACHE] ??= new Map();
  return holder[CACHE];
}
function partials(): Map<string, Partial> {
  const holder = globalThis as Holder;
  holder[PARTIAL] ??= new Map();
  return holder[PARTIAL];
}

const REFRESHING = Symbol.for('drover.discovery.refreshing');
type RefreshHolder = { [REFRESHING]?: Map<string, Promise<Discovery>> };
function inFlight(): Map<string, Promise<Discovery>> {
  const holder = globalThis as RefreshHolder;
  holder[REFRESHING] ??= new Map();
  return holder[REFRESHING];
}

/** When a result of age `ageMs` from a scan that took `scanMs` is due for a background rescan. */
export function discoveryIsDue(ageMs: number, scanMs: number, complete: boolean): boolean {
  // An unfinished scan continues at once (each step is bounded); a finished one waits.
  if (!complete) return true;
  return ageMs >= Math.max(CACHE_MS, DISCOVERY_COST_FACTOR * scanMs);
}

/** One scan step per connection at a time, however many requests want it. */
function rescan(conn: Connection): Promise<Discovery> {
  let pending = inFlight().get(conn.name);
  if (!pending) {
    const partial = partials().get(conn.name);
    const started = Date.now();
    pending = conn.store
      .scanQueueNames(started + MAX_SCAN_MS, partial?.resume)
      .then(({ names, complete, resume }) => {
        const ms = (partial?.ms ?? 0) + (Date.now() - started);
        for (const name of partial?.names ?? []) names.add(name);
        for (const q of conn.config.queues) names.add(q);
        const previous = cache().get(conn.name);
        let discovery: Discovery;
        if (complete || !resume) {
          partials().delete(conn.name);
          discovery = { queues: [...names].sort((a, b) => a.localeCompare(b)), complete, at: Date.now(), scanMs: ms };
        } else {
          partials().set(conn.name, { names, resume, ms });
          // Until the walk is done, the names found so far are added to the last complete list (a queue
          // not reached yet is not dropped).
          const shown = new Set([...(previous?.queues ?? []), ...names]);
          discovery = { queues: [...shown].sort((a, b) => a.localeCompare(b)), complete: false, at: Date.now(), scanMs: previous?.scanMs ?? ms };
        }
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
 * never sits on a request); `refresh` waits for a scan step (it continues an unfinished walk, or starts one).
 */
export async function discoverQueues(conn: Connection, opts: { refresh?: boolean } = {}): Promise<Discovery> {
  const cached = cache().get(conn.name);
  if (cached && !opts.refresh) {
    if (discoveryIsDue(Date.now() - cached.at, cached.scanMs, cached.complete)) rescan(conn).catch(() => {});
    return cached;
  }
  return rescan(conn);
}

/** The last discovery result, even if stale (used while Redis is unreachable). */
export function cachedQueues(conn: Connection): string[] {
  return cache().get(conn.name)?.queues ?? [...conn.config.queues].sort();
}

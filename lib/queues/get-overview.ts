// The overview: every queue of every connection with counts, workers and throughput, plus each
// connection's Redis facts. Per connection: one SCAN loop (cached), one pipelined summary call,
// one CLIENT LIST and one INFO pipeline — never one call per queue per state — plus one pipeline for
// the recent failures (one ZCOUNT of the failed set per queue, O(log n)) and one read of its queues'
// objective statuses from the console store.
import 'server-only';
import { listConnections, type Connection } from '@/lib/redis/connections';
import { toDroverError } from '@/lib/errors';
import { cachedQueues, discoverQueues } from './discover-queues';
import { getQueueSummaries, type QueueSummary } from './queue-summary';
import { getWorkersByQueue } from './workers-by-queue';
import type { RedisInfo } from './redis-info';
import { recentFailures } from '@/lib/metrics/recent-failures';
import type { QueueFilter } from '@/lib/auth/queue-filter';
import { objectiveStore } from '@/lib/store/console/objectives';
import { objectiveScope, type ObjectiveStatus } from '@/lib/objectives/objective';
import { freshObjectiveStatus } from '@/lib/objectives/measure-objectives';

/**
 * The objective statuses of these queues of a connection by "<conn>/<queue>" (their entries only, never the
 * whole status store); none when the console store cannot be read.
 */
async function objectiveStatuses(conn: string, queues: string[]): Promise<Map<string, string>> {
  return objectiveStore()
    .statusesOf(queues.map((q) => objectiveScope(conn, q)))
    .catch(() => new Map<string, string>());
}

export type OverviewQueue = QueueSummary & {
  workers: number;
  /** failures in the last 15 minutes (lib/metrics/recent-failures.ts); null when nothing recorded them */
  recentFailed: number | null;
  /** the queue against its objectives as last judged (lib/objectives); null: none set, or not judged lately */
  objective: ObjectiveStatus | null;
};

export type OverviewConnection = {
  name: string;
  endpoint: string;
  readOnly: boolean;
  prefix: string;
  deadLetterQueue: string;
  redis: RedisInfo | null;
  /** set when Redis could not be read; queues then lists the last known names without counts */
  error: string | null;
  discoveryComplete: boolean;
  queues: OverviewQueue[];
  queueNames: string[];
  /** set while Redis is unreachable: `queues` then holds the last data read, from this time */
  staleSince: number | null;
};

// The last good reading per connection, served (marked stale) while Redis is unreachable.
const LAST_GOOD = Symbol.for('drover.overview.last-good');
type Holder = { [LAST_GOOD]?: Map<string, { at: number; data: OverviewConnection }> };
function lastGood(): Map<string, { at: number; data: OverviewConnection }> {
  const holder = globalThis as Holder;
  holder[LAST_GOOD] ??= new Map();
  return holder[LAST_GOOD];
}

export type Overview = { generatedAt: number; connections: OverviewConnection[] };

export async function getConnectionOverview(conn: Connection, opts: { refresh?: boolean } = {}): Promise<OverviewConnection> {
  const base = { name: conn.name, endpoint: conn.endpoint, readOnly: conn.readOnly, prefix: conn.prefix, deadLetterQueue: conn.config.deadLetterQueue };
  try {
    const discovery = await discoverQueues(conn, opts);
    const [summaries, workers, redis] = await Promise.all([
      getQueueSummaries(conn, discovery.queues),
      getWorkersByQueue(conn, opts.refresh),
      conn.store.serverInfo(Boolean(opts.refresh)),
    ]);
    // The statuses of this connection's queues only, like their summaries (the last good reading serves every caller).
    const [recent, statuses] = await Promise.all([recentFailures(conn, summaries), objectiveStatuses(conn.name, discovery.queues)]);
    const now = Date.now();
    const fresh: OverviewConnection = {
      ...base,
      redis,
      error: null,
      discoveryComplete: discovery.complete,
      queueNames: discovery.queues,
      // The summaries were made for this call: completed in place (no copy of thousands of objects).
      queues: summaries.map((s, i) => Object.assign(s, { workers: workers.get(s.name)?.length ?? 0, recentFailed: recent[i], objective: freshObjectiveStatus(statuses.get(objectiveScope(conn.name, s.name)), now) })),
      staleSince: null,
    };
    lastGood().set(conn.name, { at: Date.now(), data: fresh });
    return fresh;
  } catch (err) {
    const previous = lastGood().get(conn.name);
    return {
      ...base,
      redis: previous?.data.redis ?? null,
      error: toDroverError(err, conn.name).message,
      discoveryComplete: false,
      queueNames: previous?.data.queueNames ?? cachedQueues(conn),
      queues: previous?.data.queues ?? [],
      staleSince: previous?.at ?? null,
    };
  }
}

/**
 * Every connection's overview; with `filter` (a caller with grants, README › Team scopes) only the
 * connections and queues it may see, so counts and totals cover those alone.
 */
export async function getOverview(opts: { refresh?: boolean } = {}, filter?: QueueFilter): Promise<Overview> {
  const connections = filter && !filter.everything ? listConnections().filter((c) => filter.connection(c.name)) : listConnections();
  const overview = { generatedAt: Date.now(), connections: await Promise.all(connections.map((c) => getConnectionOverview(c, opts))) };
  return filter ? scopeOverview(overview, filter) : overview;
}

/** The part of an overview `filter` lets through (the same object when it lets everything through). */
export function scopeOverview(overview: Overview, filter: QueueFilter): Overview {
  if (filter.everything) return overview;
  return {
    generatedAt: overview.generatedAt,
    connections: overview.connections
      .filter((c) => filter.connection(c.name))
      .map((c) => ({ ...c, queues: c.queues.filter((q) => filter.queue(c.name, q.name)), queueNames: c.queueNames.filter((q) => filter.queue(c.name, q)) })),
  };
}

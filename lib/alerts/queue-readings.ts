// What the backlog-growing-no-workers and stalled-jobs rules measure, read once per round for the
// (connection, queue, window) triples the enabled rules need, bounded per round:
// - backlog growth: the queue's 10 s samples over the window (one read each, like DLQ growth), only for
//   queues with no worker and jobs waiting now; a queue with a worker is 0 without a read; the queues read
//   longest ago first, so past QUEUE_READINGS_MAX every queue is still read within a few rounds;
// - stalled jobs: BullMQ's "stalled" events of the queue in the window, from the newest STALLED_MAX_SCAN
//   events (Redis: counted on the server by droverCountStreamEvents, 500 entries a call; PostgreSQL one
//   primary-key walk), counted at most once a minute per queue and window, for STALLED_BUDGET_MS a round.
import 'server-only';
import { logger } from '@/lib/log';
import { getConnection } from '@/lib/redis/connections';
import { sampleStore } from '@/lib/store/console/samples';
import { MAX_POINTS } from '@/lib/metrics/settings';
import type { MetricsSnapshot, QueueSnapshot } from '@/lib/metrics/snapshot';
import type { AlertRule } from './rule';

/** Events looked at per queue per count, newest first (BullMQ keeps about 10,000 per queue). */
export const STALLED_MAX_SCAN = 10_000;
/** A count is reused for this long. */
export const STALLED_EVERY_MS = 60_000;
/** Queues read per round at most, per kind; the rest are "no data" this round (their targets keep their state). */
export const QUEUE_READINGS_MAX = 200;
/** The stalled counts of one round stop after this long (like the objectives' p95 reads); the rest keep their last count. */
export const STALLED_BUDGET_MS = 5_000;

export type QueueReadings = {
  backlogGrowth: (connection: string, queue: string, minutes: number) => number | null;
  stalledCount: (connection: string, queue: string, minutes: number) => number | null;
};

const STALLED = Symbol.for('drover.alerts.stalled-counts');
type Counted = { at: number; value: number | null };
function stalledCache(): Map<string, Counted> {
  const holder = globalThis as { [STALLED]?: Map<string, Counted> };
  holder[STALLED] ??= new Map();
  return holder[STALLED];
}

const GROWTH_READ = Symbol.for('drover.alerts.backlog-growth-read-at');
/** When each backlog-growth target was last read: the order of the next round's reads. */
function growthReadAt(): Map<string, number> {
  const holder = globalThis as { [GROWTH_READ]?: Map<string, number> };
  holder[GROWTH_READ] ??= new Map();
  return holder[GROWTH_READ];
}

const keyOf = (connection: string, queue: string, minutes: number) => `${connection}\n${queue}\n${minutes}`;
const waitingOf = (p: { waiting: number; prioritized: number }) => p.waiting + p.prioritized;

/** The (connection, queue, window) triples a kind's enabled rules measure this round. */
function targetsOf(rules: AlertRule[], kind: AlertRule['kind'], snapshot: MetricsSnapshot): Array<{ connection: string; q: QueueSnapshot; minutes: number }> {
  const out = new Map<string, { connection: string; q: QueueSnapshot; minutes: number }>();
  for (const r of rules.filter((x) => x.kind === kind)) {
    for (const c of snapshot.connections) {
      if (!c.up || (r.connection !== null && c.name !== r.connection)) continue;
      for (const q of c.queues) {
        if (!q.exists || (r.queue !== null ? q.name !== r.queue : q.name === c.deadLetterQueue)) continue;
        out.set(keyOf(c.name, q.name, r.minutes), { connection: c.name, q, minutes: r.minutes });
      }
    }
  }
  return [...out.values()];
}

async function backlogGrowth(connection: string, q: QueueSnapshot, minutes: number, now: number): Promise<number | null> {
  const points = await sampleStore().points(connection, q.name, '10s', { from: now - minutes * 60_000, to: now }, MAX_POINTS, 'oldest');
  if (points.length === 0) return null;
  if (points.some((p) => p.workers > 0)) return 0;
  return Math.max(0, waitingOf(q.counts) - Math.min(...points.map(waitingOf)));
}

export async function readQueueReadings(rules: AlertRule[], snapshot: MetricsSnapshot, now: number, opts: { stalledBudgetMs?: number } = {}): Promise<QueueReadings> {
  const stalledBudgetMs = opts.stalledBudgetMs ?? STALLED_BUDGET_MS;
  const growth = new Map<string, number | null>();
  const backlog = targetsOf(rules, 'backlog-growing-no-workers', snapshot);
  // Only a queue with no worker and jobs waiting (not paused) can be growing without workers: the others are 0, unread.
  const toRead = new Set(backlog.filter(({ q }) => q.workers === 0 && !q.paused && waitingOf(q.counts) > 0));
  for (const t of backlog) if (!toRead.has(t)) growth.set(keyOf(t.connection, t.q.name, t.minutes), 0);
  // Read longest ago (or never) first: the queues past the bound this round are read in the next ones.
  const readAt = growthReadAt();
  const growthKey = (t: { connection: string; q: QueueSnapshot; minutes: number }) => keyOf(t.connection, t.q.name, t.minutes);
  const ordered = [...toRead].sort((a, b) => (readAt.get(growthKey(a)) ?? -Infinity) - (readAt.get(growthKey(b)) ?? -Infinity));
  await Promise.all(
    ordered.slice(0, QUEUE_READINGS_MAX).map(async (t) => {
      readAt.set(growthKey(t), now);
      growth.set(growthKey(t), await backlogGrowth(t.connection, t.q, t.minutes, now).catch(() => null));
    }),
  );
  const liveGrowth = new Set([...toRead].map(growthKey));
  for (const key of readAt.keys()) if (!liveGrowth.has(key)) readAt.delete(key);

  const cache = stalledCache();
  const stalled = new Map<string, number | null>();
  const live = new Set<string>();
  // Oldest counts first, one after another: a round never runs many scans against a store at once.
  const stalledTargets = targetsOf(rules, 'stalled-jobs', snapshot).sort((a, b) => (cache.get(keyOf(a.connection, a.q.name, a.minutes))?.at ?? 0) - (cache.get(keyOf(b.connection, b.q.name, b.minutes))?.at ?? 0));
  let reads = 0;
  const started = Date.now();
  for (const t of stalledTargets) {
    const key = keyOf(t.connection, t.q.name, t.minutes);
    live.add(key);
    const hit = cache.get(key);
    if (hit && now - hit.at < STALLED_EVERY_MS && now >= hit.at) {
      stalled.set(key, hit.value);
      continue;
    }
    if (reads >= QUEUE_READINGS_MAX || Date.now() - started >= stalledBudgetMs) {
      stalled.set(key, hit?.value ?? null);
      continue;
    }
    reads++;
    const value = await getConnection(t.connection)
      .store.recentEventCount(t.q.name, 'stalled', now - t.minutes * 60_000, STALLED_MAX_SCAN)
      .catch((err: Error) => {
        logger.warn({ event: 'alert.stalled_count_failed', connection: t.connection, queue: t.q.name, error: err.message }, 'stalled count failed');
        return null;
      });
    cache.set(key, { at: now, value });
    stalled.set(key, value);
  }
  for (const key of cache.keys()) if (!live.has(key)) cache.delete(key);

  return {
    backlogGrowth: (connection, queue, minutes) => growth.get(keyOf(connection, queue, minutes)) ?? null,
    stalledCount: (connection, queue, minutes) => stalled.get(keyOf(connection, queue, minutes)) ?? null,
  };
}

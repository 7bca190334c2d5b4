// The sampler's lease holder measures every queue with objectives after each sample (one alert round):
// oldest wait and failure rate from the snapshot at every sample; the p95s from the queue's most recently
// completed jobs (OBJECTIVE_LIMITS.timingsRead) at most every DROVER_OBJECTIVE_EVERY_MS, within a time
// budget. The judged statuses are saved for the overview and the queue page; the alert kinds read them;
// the p95s in force also go into the next samples (currentP95s), for the queue page's p95 charts.
import 'server-only';
import { getConnection, listConnections } from '@/lib/redis/connections';
import type { MetricsSnapshot, QueueSnapshot } from '@/lib/metrics/snapshot';
import { percentilesOf } from '@/lib/metrics/percentiles';
import type { SampledP95s } from '@/lib/metrics/sample';
import { objectiveStore } from '@/lib/store/console/objectives';
import { logger } from '@/lib/log';
import { OBJECTIVE_LIMITS, objectiveScope, parseObjectives, parseObjectiveStatus, splitObjectiveScope, type ObjectiveStatus, type ObjectiveValues, type QueueObjectives } from './objective';
import { judgeObjectives } from './judge-objectives';

/** How often the p95s are read per queue (ms): DROVER_OBJECTIVE_EVERY_MS, default a minute, at least 1 s. */
export function objectiveEveryMs(): number {
  const n = Number(process.env.DROVER_OBJECTIVE_EVERY_MS);
  return Number.isFinite(n) && n >= 1000 ? n : 60_000;
}
/**
 * The one freshness limit of a saved status (the overview and the queue page): three p95 cadences, at
 * least a minute. Older, no console has judged the queue lately (no lease holder, the store was down):
 * it is not shown as current.
 */
export function objectiveStatusFreshMs(): number {
  return Math.max(60_000, 3 * objectiveEveryMs());
}

/** The status saved as `json` if judged within objectiveStatusFreshMs() of `now`; else null. */
export function freshObjectiveStatus(json: string | null | undefined, now: number): ObjectiveStatus | null {
  const status = parseObjectiveStatus(json);
  return status && now - status.at <= objectiveStatusFreshMs() ? status : null;
}

/** The p95 reads of one round stop after this long; the queues left keep their last p95s until the next round. */
const P95_BUDGET_MS = 5_000;
/** p95 reads at once. */
const P95_PARALLEL = 10;

export type MeasuredObjective = { connection: string; queue: string; objectives: QueueObjectives; status: ObjectiveStatus };

type P95 = { at: number; windowMinutes: number; waitP95Ms: number | null; processingP95Ms: number | null };
const P95_CACHE = Symbol.for('drover.objectives.p95');
function p95Cache(): Map<string, P95> {
  const holder = globalThis as { [P95_CACHE]?: Map<string, P95> };
  holder[P95_CACHE] ??= new Map();
  return holder[P95_CACHE];
}

/**
 * The p95s this process measured for each queue (scope "<conn>/<queue>") and still holds as current at
 * `now` (within objectiveStatusFreshMs(), as the status would show them). The sampler's next samples
 * record them (lib/metrics/record-samples.ts): only the lease holder measures, and only it samples. A
 * queue not measured has no entry.
 */
export function currentP95s(now: number): Map<string, SampledP95s> {
  const out = new Map<string, SampledP95s>();
  for (const [scope, p95] of p95Cache()) {
    if (now < p95.at || now - p95.at > objectiveStatusFreshMs()) continue;
    out.set(scope, { waitP95Ms: p95.waitP95Ms, processingP95Ms: p95.processingP95Ms });
  }
  return out;
}

/** Every queue's objectives in force: the config file's lock a queue, the console's fill in the rest. */
export async function objectivesInForce(): Promise<Map<string, QueueObjectives>> {
  const out = new Map<string, QueueObjectives>();
  for (const [scope, json] of await objectiveStore().all()) {
    const o = parseObjectives(json);
    if (o) out.set(scope, o);
  }
  for (const conn of listConnections()) {
    for (const [queue, o] of Object.entries(conn.config.objectives ?? {})) out.set(objectiveScope(conn.name, queue), o);
  }
  // Stored objectives of connections no longer configured are not measured.
  const known = new Set(listConnections().map((c) => c.name));
  for (const scope of out.keys()) if (!known.has(splitObjectiveScope(scope).conn)) out.delete(scope);
  return out;
}

function failureRate(q: QueueSnapshot, windowMinutes: number): number | null {
  const completed = q.completedSeries.slice(0, windowMinutes).reduce((a, b) => a + b, 0);
  const failed = q.failedSeries.slice(0, windowMinutes).reduce((a, b) => a + b, 0);
  if (completed + failed === 0) return null;
  return Math.round((failed / (completed + failed)) * 10_000) / 100;
}

async function readP95(connection: string, queue: string, windowMinutes: number, now: number): Promise<P95> {
  const timings = await getConnection(connection).store.recentCompletedTimings(queue, OBJECTIVE_LIMITS.timingsRead, { names: false });
  const since = now - windowMinutes * 60_000;
  const inWindow = timings.filter((t) => t.finishedOn !== null && t.finishedOn >= since);
  const wait = inWindow.flatMap((t) => (t.timestamp !== null && t.processedOn !== null ? [Math.max(0, t.processedOn - t.timestamp)] : []));
  const processing = inWindow.flatMap((t) => (t.processedOn !== null && t.finishedOn !== null ? [Math.max(0, t.finishedOn - t.processedOn)] : []));
  const p95 = (values: number[]) => (values.length >= OBJECTIVE_LIMITS.minSamples ? percentilesOf(values).p95 : null);
  return { at: now, windowMinutes, waitP95Ms: p95(wait), processingP95Ms: p95(processing) };
}

export async function measureObjectives(snapshot: MetricsSnapshot, now: number = snapshot.at): Promise<Map<string, MeasuredObjective>> {
  const inForce = await objectivesInForce();
  const measured = new Map<string, MeasuredObjective>();
  const cache = p95Cache();
  const due: Array<{ scope: string; connection: string; queue: string; objectives: QueueObjectives }> = [];
  const queues = new Map<string, QueueSnapshot>();
  const down = new Set<string>();
  for (const c of snapshot.connections) {
    if (!c.up) down.add(c.name);
    for (const q of c.queues) if (q.exists) queues.set(objectiveScope(c.name, q.name), q);
  }
  for (const [scope, objectives] of inForce) {
    const { conn: connection, queue } = splitObjectiveScope(scope);
    if (!queues.has(scope) || (objectives.waitP95Ms === undefined && objectives.processingP95Ms === undefined)) continue;
    const last = cache.get(scope);
    if (!last || now - last.at >= objectiveEveryMs() || now < last.at || last.windowMinutes !== objectives.windowMinutes) due.push({ scope, connection, queue, objectives });
  }
  const started = Date.now();
  for (let i = 0; i < due.length && Date.now() - started < P95_BUDGET_MS; i += P95_PARALLEL) {
    await Promise.all(
      due.slice(i, i + P95_PARALLEL).map(async (d) => {
        try {
          cache.set(d.scope, await readP95(d.connection, d.queue, d.objectives.windowMinutes, now));
        } catch (err) {
          logger.warn({ event: 'objectives.p95_failed', connection: d.connection, queue: d.queue, err: (err as Error).message }, 'objective p95 could not be read');
        }
      }),
    );
  }
  // A p95 that could not be re-read is not kept for ever: after three cadences it is "no data"; one read
  // over another window than the objective's now is dropped at once.
  for (const [scope, p95] of cache) {
    const o = inForce.get(scope);
    if (!o || o.windowMinutes !== p95.windowMinutes || now - p95.at > objectiveStatusFreshMs()) cache.delete(scope);
  }

  for (const [scope, objectives] of inForce) {
    const q = queues.get(scope);
    if (!q) continue;
    const { conn: connection, queue } = splitObjectiveScope(scope);
    const waiting = q.counts.waiting + q.counts.prioritized;
    const p95 = cache.get(scope);
    const values: ObjectiveValues = {
      // A paused queue holds its jobs on purpose: its wait is not measured against the objective.
      oldestWaitMs: q.paused ? null : q.oldestWaitingAt !== null && waiting > 0 ? Math.max(0, now - q.oldestWaitingAt) : 0,
      failureRatePct: failureRate(q, objectives.windowMinutes),
      waitP95Ms: p95?.waitP95Ms ?? null,
      processingP95Ms: p95?.processingP95Ms ?? null,
    };
    measured.set(scope, { connection, queue, objectives, status: judgeObjectives(objectives, values, now) });
  }

  // Statuses of queues on a connection that is down now stay as last judged.
  try {
    const saved = await objectiveStore().statuses();
    // Nothing to judge and nothing judged before: no write (the common case of a console without objectives).
    if (inForce.size === 0 && saved.size === 0) return measured;
    const next = new Map<string, string>();
    for (const [scope, json] of saved) if (inForce.has(scope) && down.has(splitObjectiveScope(scope).conn)) next.set(scope, json);
    for (const [scope, m] of measured) next.set(scope, JSON.stringify(m.status));
    await objectiveStore().replaceStatuses(next);
  } catch (err) {
    logger.warn({ event: 'objectives.status_write_failed', err: (err as Error).message }, 'objective statuses could not be saved');
  }
  return measured;
}

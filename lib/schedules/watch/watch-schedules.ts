// One round of the schedule watch, run by the sampler's lease holder every DROVER_SCHEDULE_WATCH_MS:
// per connection, read the job schedulers (the schedules page's own reads), settle the runs whose due
// time passed since the last round (their jobs read by id, payload-free), judge each scheduler and save
// the records and runs in the console store. Bounded: MAX_WATCHED_PER_ROUND schedulers (rotating),
// WATCH_ROUND_BUDGET_MS, RUNS_SETTLED_PER_ROUND job reads per scheduler.
import 'server-only';
import { listConnections, type Connection } from '@/lib/redis/connections';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { logger } from '@/lib/log';
import { scheduleWatchStore, splitWatchField, watchField, type RunRow } from '@/lib/store/console/schedule-watch';
import { listPausedSchedules } from '@/lib/schedules/paused-store';
import { countRepeatEntries, readQueueSchedulers, MAX_SCHEDULERS_PER_QUEUE, type LiveScheduler } from '@/lib/schedules/read-schedulers';
import { dueTimesFrom, judgeScheduler, newestDueTimes, MISSED_COUNT_CAP, type DueDefinition, type RunJob, type StepBudget } from './schedule-status';
import { getQueueSummaries } from '@/lib/queues/queue-summary';
import { objectiveStore } from '@/lib/store/console/objectives';
import { objectiveScope, parseObjectives, type QueueObjectives } from '@/lib/objectives/objective';
import { configObjectives } from '@/lib/objectives/config-objectives';
import { parseWatchRecord, type RunOutcome, type ScheduleRun, type WatchRecord } from './watch-record';
import { CRON_STEPS_PER_ROUND, GONE_KEPT_MS, MAX_WATCHED_PER_ROUND, OPEN_RUNS_KEPT, RUN_WRITES_IN_FLIGHT, RUNS_SETTLED_PER_ROUND, SCHEDULE_RUNS_KEPT, WATCH_ROUND_BUDGET_MS, scheduleGraceMs } from './settings';

export type WatchRoundReport = { connections: number; judged: number; skipped: number; missed: number; late: number; gone: number; errors: string[] };

const ROTATION = Symbol.for('drover.schedules.watch.rotation');
type Holder = { [ROTATION]?: Map<string, number> };
function rotation(): Map<string, number> {
  const holder = globalThis as Holder;
  holder[ROTATION] ??= new Map();
  return holder[ROTATION];
}
/** Rotation key of the connection order (not a connection name: names cannot hold a NUL). */
const CONNECTION_TURN = '\0connections';

/** `items` starting at position `turn` (wrapping): each round starts one connection later. */
export function inTurn<T>(items: T[], turn: number): T[] {
  if (items.length === 0) return [];
  const start = turn % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

const runJobId = (id: string, due: number) => `repeat:${id}:${due}`;

function definitionOf(s: LiveScheduler): DueDefinition {
  const def: DueDefinition = {};
  if (s.pattern) def.pattern = s.pattern;
  if (s.every) def.every = s.every;
  if (s.tz) def.tz = s.tz;
  if (s.endDate) def.endDate = s.endDate;
  if (s.limit) def.limit = s.limit;
  if (s.iterationCount) def.iterationCount = s.iterationCount;
  return def;
}

type Looked = { state: string; enqueuedAt: number | null; startedAt: number | null; finishedAt: number | null };

function outcomeOf(job: Looked | undefined, missedIfAbsent: boolean): RunOutcome {
  if (!job) return missedIfAbsent ? 'missed' : 'removed';
  switch (job.state) {
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'active':
      return 'running';
    default:
      return job.startedAt !== null ? 'running' : 'waiting';
  }
}

function runOf(id: string, due: number, job: Looked | undefined, missedIfAbsent: boolean): ScheduleRun {
  return {
    due,
    jobId: job ? runJobId(id, due) : null,
    enqueuedAt: job?.enqueuedAt ?? null,
    startedAt: job?.startedAt ?? null,
    finishedAt: job?.finishedAt ?? null,
    outcome: outcomeOf(job, missedIfAbsent),
  };
}

/** The jobs of `ids` in one queue: state and times (two round trips, payload-free). */
async function lookUp(conn: Connection, queue: string, ids: string[]): Promise<Map<string, Looked>> {
  const found = new Map<string, Looked>();
  if (ids.length === 0) return found;
  const [states, summaries] = await Promise.all([conn.store.jobStates(queue, ids), conn.store.jobSummaries(queue, ids)]);
  const byId = new Map(summaries.map((s) => [s.id, s]));
  ids.forEach((id, i) => {
    const s = byId.get(id);
    if (states[i] === 'missing' || !s) return;
    found.set(id, { state: states[i], enqueuedAt: s.timestamp, startedAt: s.processedOn, finishedAt: s.finishedOn });
  });
  return found;
}

const unjudged = (conn: Connection, queue: string, id: string, err: unknown) => `${conn.name}/${queue}/${id}: ${(err as Error).message}`.slice(0, 300);

/**
 * How long after its due time a run may start before it is late: the queue's wait objective when it has
 * one (wait p95, else oldest wait: a run's job should not wait longer than the queue's jobs may), else
 * the grace period. Missed is always judged against the grace period.
 */
export function lateAfterMs(objectives: QueueObjectives | null, graceMs: number): number {
  return objectives?.waitP95Ms ?? objectives?.oldestWaitMs ?? graceMs;
}

/** The objectives of these queues of a connection: the config file's, else those `stored` in the console (read once a round). */
function queueObjectives(conn: Connection, queues: string[], stored: Map<string, string>): Map<string, QueueObjectives | null> {
  return new Map(queues.map((q) => [q, configObjectives(conn, q) ?? parseObjectives(stored.get(objectiveScope(conn.name, q)))]));
}

type Planned = { queue: string; s: LiveScheduler; field: string; prev: WatchRecord | null; settle: number[]; ids: string[] };

/** Judges one connection; `budget` is how many schedulers it may still judge this round. */
async function watchConnection(conn: Connection, now: number, deadline: number, budget: number, steps: StepBudget, report: WatchRoundReport, storedObjectives: Map<string, string>): Promise<number> {
  const store = scheduleWatchStore();
  const graceMs = scheduleGraceMs();
  const [queues, paused, watchedRaw] = await Promise.all([discoverQueues(conn).then((d) => d.queues), listPausedSchedules(conn), store.watched(conn.name)]);
  const watched = new Map<string, WatchRecord | null>([...watchedRaw].map(([f, json]) => [f, parseWatchRecord(json)]));
  const counts = await countRepeatEntries(conn, queues);
  // A queue name with a line break (BullMQ allows it) would be split at the wrong place in the watch's
  // "<queue>\n<id>" fields: such queues are not watched (README › Missed and late runs).
  const withSchedulers = queues.filter((q) => (counts.get(q) ?? 0) > 0 && !q.includes('\n'));
  // Due times need the definitions, not the template data (up to 64 KB each on the page): none is read.
  const read = await readQueueSchedulers(conn, withSchedulers, 0);
  // A paused queue runs nothing by the operator's choice: its schedulers are not judged (as the
  // no-workers alert leaves paused queues out); their records wait, unchanged, for the resume.
  const pausedQueues = new Set((await getQueueSummaries(conn, withSchedulers)).filter((q) => q.paused).map((q) => q.name));
  const objectives = queueObjectives(conn, withSchedulers, storedObjectives);

  const pausedFields = new Set(paused.map((p) => watchField(p.queue, p.scheduler.id)));
  const all: Array<{ queue: string; s: LiveScheduler }> = read.filter((r) => !pausedQueues.has(r.queue)).flatMap((r) => r.schedulers.map((s) => ({ queue: r.queue, s })));
  // Gone is only judged where every scheduler of the queue was read.
  const fullyRead = new Set(read.filter((r) => r.total <= MAX_SCHEDULERS_PER_QUEUE).map((r) => r.queue));
  for (const q of queues) if ((counts.get(q) ?? 0) === 0) fullyRead.add(q);
  const live = new Set(read.flatMap((r) => r.schedulers.map((s) => watchField(r.queue, s.id))));

  // Rotation: start where the last round of this connection stopped.
  all.sort((a, b) => { const x = watchField(a.queue, a.s.id), y = watchField(b.queue, b.s.id); return x < y ? -1 : x > y ? 1 : 0; });
  const start = all.length ? (rotation().get(conn.name) ?? 0) % all.length : 0;
  const chosen = [...all.slice(start), ...all.slice(0, start)].slice(0, Math.max(0, budget));
  report.skipped += all.length - chosen.length;

  const plans = new Map<string, Planned[]>();
  for (const { queue, s } of chosen) {
    const field = watchField(queue, s.id);
    const prev = watched.get(field) ?? null;
    const settle = new Set<number>(prev?.open ?? []);
    if (prev?.next != null && prev.next !== s.next) {
      // Runs due since the last round, the newest RUNS_SETTLED_PER_ROUND (from the previous pending one up to, not including, the new one).
      const upTo = (s.next ?? now) - 1;
      try {
        const to = Math.min(upTo, now);
        const { times, capped } = dueTimesFrom(prev.def, prev.next, to, MISSED_COUNT_CAP, steps);
        // After a gap longer than the cap, the newest runs are counted back from the gap's end.
        const back = capped ? newestDueTimes(prev.def, prev.next, to, RUNS_SETTLED_PER_ROUND, steps) : [];
        const newest = back.length ? back : times.slice(-RUNS_SETTLED_PER_ROUND);
        for (const d of newest) settle.add(d);
      } catch (err) {
        report.errors.push(unjudged(conn, queue, s.id, err));
      }
      settle.add(prev.next);
    }
    const ids = [...settle].map((d) => runJobId(s.id, d));
    if (s.next !== null) ids.push(runJobId(s.id, s.next));
    const list = plans.get(queue) ?? [];
    list.push({ queue, s, field, prev, settle: [...settle].sort((a, b) => a - b), ids });
    plans.set(queue, list);
  }

  const records: Array<[string, string]> = [];
  const runsByField: Array<[string, RunRow[]]> = [];
  let judged = 0;
  for (const [queue, list] of plans) {
    if (Date.now() > deadline) {
      report.skipped += list.length;
      continue;
    }
    const jobs = await lookUp(conn, queue, list.flatMap((p) => p.ids));
    for (const { s, field, prev, settle } of list) {
     try {
      const runs: ScheduleRun[] = [];
      // A due time without a job was missed when nothing could have run it: the scheduler was reported
      // missed, or its previous run started only after that due time (BullMQ makes the next job when
      // a worker takes the current one and never back-fills). Otherwise its job was removed.
      const wasMissed = prev?.status === 'missed';
      const prevStart = prev?.next != null ? (jobs.get(runJobId(s.id, prev.next))?.startedAt ?? null) : null;
      for (const d of settle) {
        const absentMeansMissed = d !== prev?.next && (wasMissed || (prevStart !== null && d < prevStart));
        runs.push(runOf(s.id, d, jobs.get(runJobId(s.id, d)), absentMeansMissed));
      }
      const settled = runs.filter((r) => r.outcome !== 'missed' && r.outcome !== 'removed');
      const lastStarted = [...settled].reverse().find((r) => r.startedAt !== null);
      const last = lastStarted ? { due: lastStarted.due, startedAt: lastStarted.startedAt } : (prev?.last ?? null);
      const pendingJob = s.next === null ? undefined : jobs.get(runJobId(s.id, s.next));
      const pending: RunJob | null = pendingJob ?? null;
      const def = definitionOf(s);
      const j = judgeScheduler({ def, next: s.next, pending, last }, now, graceMs, lateAfterMs(objectives.get(queue) ?? null, graceMs), steps);
      // The pending run shows in the history once it is missed (replaced when it is settled).
      if (j.status === 'missed' && s.next !== null) runs.push({ ...runOf(s.id, s.next, pendingJob, true), outcome: 'missed' });
      const open = runs.filter((r) => r.outcome === 'running' || r.outcome === 'waiting').map((r) => r.due).slice(-OPEN_RUNS_KEPT);
      const record: WatchRecord = { next: s.next, def, ...j, checkedAt: now, lastSeenAt: now, goneAt: null, open, last };
      records.push([field, JSON.stringify(record)]);
      if (runs.length) runsByField.push([field, runs.map((r) => ({ due: r.due, json: JSON.stringify(r) }))]);
      judged++;
      if (j.status === 'missed') report.missed++;
      if (j.status === 'late') report.late++;
     } catch (err) {
      // One scheduler that cannot be judged (a pattern its library rejects) does not stop the others.
      report.errors.push(unjudged(conn, queue, s.id, err));
     }
    }
  }
  rotation().set(conn.name, start + judged);

  // Schedulers of a paused queue: no problem to report while it is paused (a missed or late record reads ok).
  for (const r of read) {
    if (!pausedQueues.has(r.queue)) continue;
    for (const s of r.schedulers) {
      const field = watchField(r.queue, s.id);
      const prev = watched.get(field);
      if (prev && prev.status !== 'ok') records.push([field, JSON.stringify({ ...prev, status: 'ok', missedCount: 0, missedCapped: false, missedSince: null, lateByMs: null, checkedAt: now } satisfies WatchRecord)]);
    }
  }

  // Schedulers seen before and no longer in the store: gone, unless Drover paused them (a paused copy).
  const removed: string[] = [];
  for (const [field, prev] of watched) {
    if (live.has(field)) continue;
    const [queue, id] = splitWatchField(field);
    if (!prev || pausedFields.has(field)) {
      removed.push(field);
      continue;
    }
    if (!fullyRead.has(queue) && queues.includes(queue)) continue;
    const goneAt = prev.goneAt ?? now;
    if (now - goneAt > GONE_KEPT_MS) {
      removed.push(field);
      continue;
    }
    let missed: { times: number[]; capped: boolean } = { times: [], capped: false };
    try {
      if (prev.next !== null && now > prev.next + graceMs) missed = dueTimesFrom(prev.def, prev.next, now - graceMs, MISSED_COUNT_CAP, steps);
    } catch (err) {
      report.errors.push(unjudged(conn, queue, id, err));
    }
    records.push([field, JSON.stringify({ ...prev, status: 'gone', goneAt, checkedAt: now, missedCount: missed.times.length, missedCapped: missed.capped, missedSince: missed.times[0] ?? null } satisfies WatchRecord)]);
    report.gone++;
  }

  await store.saveWatch(conn.name, records, removed);
  // A few writes in flight at a time: on a PostgreSQL console each is a transaction on the shared pool.
  for (let i = 0; i < runsByField.length; i += RUN_WRITES_IN_FLIGHT) {
    await Promise.all(runsByField.slice(i, i + RUN_WRITES_IN_FLIGHT).map(([field, rows]) => store.putRuns(conn.name, field, rows, SCHEDULE_RUNS_KEPT)));
  }
  return judged;
}

/** One watch round over every connection (or those named). */
export async function watchSchedules(opts: { now?: number; connections?: Connection[] } = {}): Promise<WatchRoundReport> {
  const now = opts.now ?? Date.now();
  const deadline = Date.now() + WATCH_ROUND_BUDGET_MS;
  const report: WatchRoundReport = { connections: 0, judged: 0, skipped: 0, missed: 0, late: 0, gone: 0, errors: [] };
  let budget = MAX_WATCHED_PER_ROUND;
  const steps: StepBudget = { steps: CRON_STEPS_PER_ROUND };
  // The round's deadline is shared: a slow connection must not starve the ones after it every round,
  // so each round starts one connection further along.
  const turn = rotation().get(CONNECTION_TURN) ?? 0;
  rotation().set(CONNECTION_TURN, turn + 1);
  // The console's objectives (≤ 1,000, for the late judgement), once a round; none when the store cannot be read.
  const storedObjectives = await objectiveStore()
    .all()
    .catch(() => new Map<string, string>());
  for (const conn of inTurn(opts.connections ?? listConnections(), turn)) {
    try {
      const judged = await watchConnection(conn, now, deadline, budget, steps, report, storedObjectives);
      budget -= judged;
      report.judged += judged;
      report.connections++;
    } catch (err) {
      report.errors.push(`${conn.name}: ${(err as Error).message}`);
      logger.warn({ event: 'schedules.watch_failed', connection: conn.name, err: (err as Error).message }, 'schedule watch round failed for a connection');
    }
  }
  return report;
}

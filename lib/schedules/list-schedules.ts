// Every job scheduler (live and paused) and legacy repeatable of every connection, or of one
// connection/queue. Per connection: queue discovery (cached), one pipeline of ZCARDs, one script call
// per queue that has entries, one outcomes call per queue with schedules — all pipelined.
import 'server-only';
import { getConnection, listConnections, type Connection } from '@/lib/redis/connections';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { NotFoundError, toDroverError } from '@/lib/errors';
import { connectionNotFound } from '@/lib/auth/authorize';
import { queueFilterOf, type QueueFilter } from '@/lib/auth/queue-filter';
import { canAt, type Access } from '@/lib/auth/scope';
import { describeSchedule } from './cron';
import { isDefinedInCode } from './code-defined';
import { getPausedSchedule, listPausedSchedules, type PausedSchedule } from './paused-store';
import { readLiveScheduler } from './get-live-scheduler';
import { countRepeatEntries, readOutcomes, readQueueSchedulers, MAX_SCHEDULERS_PER_QUEUE, LIST_DATA_CAP, type LiveScheduler } from './read-schedulers';
import type { LegacyRepeatable, Schedule, ScheduleConnectionInfo, ScheduleList } from './types';
import type { ScheduleListQuery } from './schema';
import { scheduleWatchStore, splitWatchField } from '@/lib/store/console/schedule-watch';
import { healthOf, parseWatchRecord, type WatchRecord } from './watch/watch-record';

/** The watch records of a connection; none when the console store cannot be read (the list still shows). */
async function readWatch(conn: Connection): Promise<Map<string, WatchRecord>> {
  try {
    const raw = await scheduleWatchStore().watched(conn.name);
    const out = new Map<string, WatchRecord>();
    for (const [field, json] of raw) {
      const r = parseWatchRecord(json);
      if (r) out.set(field, r);
    }
    return out;
  } catch {
    return new Map();
  }
}

/** A scheduler the watch reports gone, as a row of the list. */
function goneSchedule(conn: Connection, queue: string, id: string, r: WatchRecord): Schedule {
  return {
    id,
    ...r.def,
    template: { name: '' },
    connection: conn.name,
    queue,
    state: 'gone',
    next: null,
    description: describeSchedule(r.def),
    definedInCode: isDefinedInCode(queue, id),
    dataSize: 0,
    dataOmitted: false,
    outcomes: [],
    readOnly: conn.readOnly,
    health: healthOf(r),
  };
}

type ConnectionResult = { info: ScheduleConnectionInfo; schedules: Schedule[]; legacy: LegacyRepeatable[]; truncated: ScheduleList['truncated'] };

function liveSchedule(conn: Connection, queue: string, s: LiveScheduler): Schedule {
  return {
    ...s,
    connection: conn.name,
    queue,
    state: 'active',
    description: describeSchedule(s),
    definedInCode: isDefinedInCode(queue, s.id),
    outcomes: [],
    readOnly: conn.readOnly,
  };
}

export function pausedSchedule(conn: Connection, p: PausedSchedule): Schedule {
  const dataSize = p.scheduler.template.data === undefined ? 0 : JSON.stringify(p.scheduler.template.data).length;
  const omit = dataSize > LIST_DATA_CAP;
  return {
    ...p.scheduler,
    template: { ...p.scheduler.template, data: omit ? undefined : p.scheduler.template.data },
    connection: conn.name,
    queue: p.queue,
    state: 'paused',
    next: null,
    description: describeSchedule(p.scheduler),
    definedInCode: isDefinedInCode(p.queue, p.scheduler.id),
    dataSize,
    dataOmitted: omit,
    outcomes: [],
    pausedAt: p.pausedAt,
    pausedBy: p.pausedBy,
    readOnly: conn.readOnly,
  };
}

export const CONFLICT_MESSAGE = 'A live schedule with this id was created after this one was paused: resuming would replace it. Delete the paused copy or the live schedule.';

/** Reads one connection (optionally one queue); a Redis failure becomes the connection's error. */
async function readConnection(conn: Connection, onlyQueue?: string, filter?: QueueFilter): Promise<ConnectionResult> {
  try {
    return await collectConnection(conn, onlyQueue, filter);
  } catch (err) {
    return { info: { name: conn.name, readOnly: conn.readOnly, error: toDroverError(err, conn.name).message, queues: [] }, schedules: [], legacy: [], truncated: [] };
  }
}

/** Reads one connection; with `filter` (a caller with grants), only the queues it lets through are read. */
async function collectConnection(conn: Connection, onlyQueue?: string, filter?: QueueFilter): Promise<ConnectionResult> {
  const visible = (queue: string) => !filter || filter.queue(conn.name, queue);
  // A named queue outside the scope reads as one without schedules: what a queue that does not exist gives.
  if (onlyQueue !== undefined && !visible(onlyQueue)) return { info: { name: conn.name, readOnly: conn.readOnly, error: null, queues: [onlyQueue] }, schedules: [], legacy: [], truncated: [] };
  const [allQueues, allPaused, watch] = await Promise.all([onlyQueue ? Promise.resolve([onlyQueue]) : discoverQueues(conn).then((d) => d.queues), listPausedSchedules(conn, onlyQueue), readWatch(conn)]);
  const queues = filter ? allQueues.filter(visible) : allQueues;
  const paused = filter ? allPaused.filter((p) => visible(p.queue)) : allPaused;
  const counts = await countRepeatEntries(conn, queues);
  const read = await readQueueSchedulers(
    conn,
    queues.filter((q) => (counts.get(q) ?? 0) > 0),
  );
  const schedules: Schedule[] = [];
  const legacy: LegacyRepeatable[] = [];
  const truncated: ScheduleList['truncated'] = [];
  const live = new Set<string>();
  for (const r of read) {
    for (const s of r.schedulers) {
      schedules.push(liveSchedule(conn, r.queue, s));
      live.add(`${r.queue}\n${s.id}`);
    }
    for (const l of r.legacy) legacy.push({ ...l, connection: conn.name, readOnly: conn.readOnly });
    if (r.total > MAX_SCHEDULERS_PER_QUEUE) truncated.push({ connection: conn.name, queue: r.queue, total: r.total, shown: MAX_SCHEDULERS_PER_QUEUE });
  }
  for (const p of paused) {
    const schedule = pausedSchedule(conn, p);
    if (live.has(`${p.queue}\n${p.scheduler.id}`)) schedule.conflict = CONFLICT_MESSAGE;
    schedules.push(schedule);
  }
  for (const s of schedules) {
    const r = s.state === 'active' ? watch.get(`${s.queue}\n${s.id}`) : undefined;
    if (r && r.status !== 'gone') s.health = healthOf(r);
  }
  for (const [field, r] of watch) {
    // Re-created since the last watch round: the live row stands for it.
    if (r.status !== 'gone' || live.has(field)) continue;
    const [queue, id] = splitWatchField(field);
    if ((onlyQueue !== undefined && queue !== onlyQueue) || !visible(queue)) continue;
    schedules.push(goneSchedule(conn, queue, id, r));
  }
  const idsByQueue = new Map<string, string[]>();
  for (const s of schedules) idsByQueue.set(s.queue, [...(idsByQueue.get(s.queue) ?? []), s.id]);
  const outcomes = await readOutcomes(conn, idsByQueue);
  for (const s of schedules) s.outcomes = outcomes.get(`${s.queue}\n${s.id}`) ?? [];
  const known = new Set([...queues, ...paused.map((p) => p.queue)]);
  return { info: { name: conn.name, readOnly: conn.readOnly, error: null, queues: [...known].sort((a, b) => a.localeCompare(b)) }, schedules, legacy, truncated };
}

const PROBLEM_RANK: Record<string, number> = { missed: 0, gone: 1, late: 2 };
const rank = (s: Schedule) => PROBLEM_RANK[s.health?.status ?? ''] ?? 3;

function order(a: Schedule, b: Schedule): number {
  // Problems first (missed, gone, late), then live ones by next run, then paused ones; ties by queue and id.
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a.state !== b.state) return a.state === 'active' ? -1 : b.state === 'active' ? 1 : a.state === 'paused' ? -1 : 1;
  const an = a.next ?? Number.MAX_SAFE_INTEGER;
  const bn = b.next ?? Number.MAX_SAFE_INTEGER;
  return an - bn || `${a.connection}/${a.queue}/${a.id}`.localeCompare(`${b.connection}/${b.queue}/${b.id}`);
}

/**
 * The schedules of every connection, one connection or one queue. With `access` (the caller's, README ›
 * Team scopes): only the connections and queues it may see (others answer like unknown ones), and each
 * row says whether the caller may change it (`canAct`: operator on that row's queue).
 */
export async function listSchedules(query: ScheduleListQuery = {}, access?: Access): Promise<ScheduleList> {
  const filter = access ? queueFilterOf(access) : undefined;
  const scoped = filter && !filter.everything ? filter : undefined;
  const reachable = (name: string) => {
    if (scoped && !scoped.connection(name)) throw connectionNotFound(name);
    return getConnection(name);
  };
  let connections: Connection[];
  let onlyQueue: string | undefined;
  if (query.queue) {
    const slash = query.queue.indexOf('/');
    connections = [reachable(query.queue.slice(0, slash))];
    onlyQueue = query.queue.slice(slash + 1);
  } else if (query.conn) {
    connections = [reachable(query.conn)];
  } else {
    connections = scoped ? listConnections().filter((c) => scoped.connection(c.name)) : listConnections();
  }
  const results = await Promise.all(connections.map((c) => readConnection(c, onlyQueue, scoped)));
  const list: ScheduleList = {
    generatedAt: Date.now(),
    connections: results.map((r) => r.info),
    schedules: results.flatMap((r) => r.schedules).sort(order),
    legacy: results.flatMap((r) => r.legacy),
    truncated: results.flatMap((r) => r.truncated),
  };
  if (access) {
    // Unscoped: one role everywhere, no test per row.
    const everywhere = scoped ? null : canAt(access, '', '', 'operator');
    for (const row of [...list.schedules, ...list.legacy]) row.canAct = everywhere ?? canAt(access, row.connection, row.queue, 'operator');
  }
  return list;
}

/** One schedule (the live one, else the paused copy) with its outcomes; 404 when neither exists. */
export async function getSchedule(t: { conn: string; queue: string; schedulerId: string }): Promise<Schedule> {
  const conn = getConnection(t.conn);
  const [live, paused] = await Promise.all([readLiveScheduler(conn, t.queue, t.schedulerId), getPausedSchedule(conn, t.queue, t.schedulerId)]);
  let schedule: Schedule;
  if (live) {
    const dataSize = live.template.data === undefined ? 0 : JSON.stringify(live.template.data).length;
    schedule = liveSchedule(conn, t.queue, { ...live, dataSize, dataOmitted: false });
    if (paused) schedule.conflict = CONFLICT_MESSAGE;
  } else if (paused) {
    schedule = pausedSchedule(conn, paused);
  } else {
    throw new NotFoundError(`No schedule "${t.schedulerId}" in queue "${t.queue}" on connection "${t.conn}"`);
  }
  const outcomes = await readOutcomes(conn, new Map([[t.queue, [t.schedulerId]]]));
  schedule.outcomes = outcomes.get(`${t.queue}\n${t.schedulerId}`) ?? [];
  return schedule;
}

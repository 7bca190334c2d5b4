// The Busy view: what every worker process runs right now, per connection. Drover's runtimes say it
// themselves (their heartbeats, KEYS.busyRecord); other BullMQ workers are found in CLIENT LIST and
// their jobs in the oldest part of each such queue's active list. Every read is bounded (BUSY_LIMITS).
import 'server-only';
import type { z } from 'zod';
import { listConnections, getConnection, type Connection } from '@/lib/redis/connections';
import { toDroverError } from '@/lib/errors';
import { connectionNotFound } from '@/lib/auth/authorize';
import type { QueueFilter } from '@/lib/auth/queue-filter';
import { clientListRefused, getWorkersByQueue, type WorkerInfo } from '@/lib/queues/workers-by-queue';
import { shortCached } from '@/lib/queues/short-cache';
import { getJobSummaries } from '@/lib/jobs/job-summary';
import { isDroverWorkerName } from './worker-name';
import { groupOtherWorkers } from './group-other-workers';
import { BUSY_ID_CAP, BUSY_RECORD_READ_MAX_BYTES, busyRecordSchema, busyTime, capId, capText, type BusyRecord } from './busy-record';
import { BUSY_LIMITS, type Busy, type BusyConnection, type BusyJob, type BusyProcess, type busyQuerySchema } from './busy-schemas';

/**
 * Every connection's workers (or one's); with `filter` (a caller with grants, README › Team scopes) only
 * the connections it reaches and, of each process, the queues and jobs it may see.
 */
export async function getBusy(query: z.infer<typeof busyQuerySchema> = {}, filter?: QueueFilter): Promise<Busy> {
  const scoped = filter && !filter.everything ? filter : undefined;
  if (scoped && query.conn && !scoped.connection(query.conn)) throw connectionNotFound(query.conn);
  const all = query.conn ? [getConnection(query.conn)] : listConnections();
  const connections = scoped ? all.filter((c) => scoped.connection(c.name)) : all;
  const read = await Promise.all(connections.map((c) => shortCached(`busy:${c.name}`, 1000, () => readBusyConnection(c))));
  return {
    generatedAt: Date.now(),
    limits: { ...BUSY_LIMITS },
    connections: scoped ? read.map((c) => scopeBusyConnection(c, scoped)) : read,
  };
}

/**
 * What a caller with grants sees of a connection's workers: processes running at least one of its
 * queues, each with only those queues, their concurrency and jobs; the totals count what is listed
 * (a process's jobs past the listed ones cannot be told apart by queue, so `partial` says so).
 * Unreadable heartbeats name no queue: they are not counted.
 */
export function scopeBusyConnection(conn: BusyConnection, filter: QueueFilter): BusyConnection {
  const visible = (queue: string) => filter.queue(conn.name, queue);
  const processes: BusyProcess[] = [];
  for (const p of conn.processes) {
    const queues = p.queues.filter(visible);
    if (queues.length === 0) continue;
    const jobs = p.jobs.filter((j) => visible(j.queue));
    const jobsUnlisted = p.jobsTotal > p.jobs.length;
    processes.push({
      ...p,
      queues,
      queuesTotal: queues.length,
      concurrency: p.concurrency === null ? null : Object.fromEntries(Object.entries(p.concurrency).filter(([q]) => visible(q))),
      ...(p.paused ? { paused: p.paused.filter(visible) } : {}),
      jobs,
      jobsTotal: jobs.length,
      partial: p.partial || jobsUnlisted || p.queuesTotal > p.queues.length,
    });
  }
  return {
    ...conn,
    unreadable: 0,
    processes,
    processesTotal: processes.length,
    runningTotal: processes.reduce((n, p) => n + p.jobsTotal, 0),
  };
}

export async function readBusyConnection(conn: Connection): Promise<BusyConnection> {
  const base = { name: conn.name, prefix: conn.prefix };
  try {
    const [{ records, total: heartbeats, unreadable }, cached] = await Promise.all([readHeartbeats(conn), readClientList(conn)]);
    const drover = records.map(droverProcess);
    // Drover runtimes are listed from their heartbeats only. A client named like one is skipped only
    // when its runtime beats: one whose heartbeat is off or failing (or any BullMQ worker taking such a
    // name) is listed as a BullMQ worker marked "no heartbeat". Past the cap (or with unreadable
    // records) the live names are not all known: Drover-named clients are then taken as counted already.
    const beating = new Set(records.map((r) => r.workerName));
    const allBeatsRead = records.length === heartbeats;
    const skip = (name: string) => beating.has(name) || (!allBeatsRead && isDroverWorkerName(name));
    // CLIENT LIST is cached 2 s: a runtime that has just stopped would show as "no heartbeat" there,
    // so such a finding is confirmed with a fresh one.
    const clients = allBeatsRead && hasDroverNameWithoutBeat(cached.byQueue, beating) ? await readClientList(conn, true) : cached;
    const others = await otherWorkers(conn, clients.byQueue, skip, BUSY_LIMITS.processes - drover.length);
    const processes = [...drover, ...others.processes];
    await addProgress(conn, processes);
    return {
      ...base,
      error: null,
      clientList: clients.available,
      unreadable,
      processes,
      processesTotal: heartbeats + others.total,
      runningTotal: [...drover, ...others.processes].reduce((n, p) => n + p.jobsTotal, 0),
    };
  } catch (err) {
    return { ...base, error: toDroverError(err, conn.name).message, clientList: false, unreadable: 0, processes: [], processesTotal: 0, runningTotal: 0 };
  }
}

/**
 * The live heartbeats (at most BUSY_LIMITS.processes), how many there are, and how many of those read
 * could not be (over BUSY_RECORD_READ_MAX_BYTES, or not a record).
 */
export async function readHeartbeats(conn: Connection): Promise<{ records: BusyRecord[]; total: number; unreadable: number }> {
  // Heartbeats are Drover's own per-connection data (beside the queues on Redis; in the database's
  // schema "drover" for a PostgreSQL connection), read in the store's own clock.
  const beats = await conn.records.readBusy(BUSY_LIMITS.processes, BUSY_RECORD_READ_MAX_BYTES);
  let unreadable = beats.tooLarge;
  const records: BusyRecord[] = [];
  for (const value of beats.values) {
    try {
      const parsed = busyRecordSchema.safeParse(JSON.parse(value));
      if (parsed.success) records.push(parsed.data);
      else unreadable += 1;
    } catch {
      unreadable += 1;
    }
  }
  const { total, gone } = beats;
  records.sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid || a.startedAt - b.startedAt);
  return { records, total: Math.max(records.length + unreadable, total - gone), unreadable };
}

function hasDroverNameWithoutBeat(byQueue: Map<string, WorkerInfo[]>, beating: Set<string>): boolean {
  for (const workers of byQueue.values()) if (workers.some((w) => !beating.has(w.name) && isDroverWorkerName(w.name))) return true;
  return false;
}

async function readClientList(conn: Connection, fresh = false): Promise<{ byQueue: Map<string, WorkerInfo[]>; available: boolean }> {
  const byQueue = await getWorkersByQueue(conn, fresh);
  // An empty map also when Redis refused CLIENT LIST: tell that apart from "no workers".
  return { byQueue, available: !clientListRefused(conn) };
}

export function droverProcess(record: BusyRecord): BusyProcess {
  const queues = record.queues.slice(0, BUSY_LIMITS.queuesPerProcess);
  return {
    kind: 'drover',
    key: record.runtimeId,
    name: record.workerName,
    host: record.host,
    pid: record.pid,
    startedAt: record.startedAt,
    beatAt: record.beatAt,
    queues,
    queuesTotal: Math.max(record.queuesTotal ?? 0, record.queues.length),
    concurrency: Object.fromEntries(queues.flatMap((q) => (record.concurrency[q] === undefined ? [] : [[q, record.concurrency[q]]]))),
    noHeartbeat: false,
    addresses: [],
    addressesTotal: 0,
    jobs: record.jobs.slice(0, BUSY_LIMITS.jobsPerProcess).map((j) => ({ ...j, idTruncated: j.idTruncated ?? false, progress: null })),
    jobsTotal: record.jobsTotal,
    partial: false,
    ...(record.controllable ? { controllable: true, state: record.state ?? 'running', paused: (record.paused ?? []).filter((q) => queues.includes(q)) } : {}),
  };
}

/**
 * Other BullMQ workers, one entry per worker name (CLIENT LIST cannot tell two processes of one name
 * apart; their addresses are listed), an unnamed one per queue. Their jobs: the active jobs whose
 * processedBy is that name (none for unnamed workers' queue: every active job without one).
 */
async function otherWorkers(conn: Connection, byQueue: Map<string, WorkerInfo[]>, skip: (name: string) => boolean, room: number): Promise<{ processes: BusyProcess[]; total: number }> {
  const all = groupOtherWorkers(byQueue, skip);
  const processes = all.slice(0, Math.max(0, room));
  // Queues past the listed ones are not read.
  for (const p of processes) if (p.queuesTotal > p.queues.length) p.partial = true;
  const queues = [...new Set(processes.flatMap((p) => p.queues))].sort();
  // Which queues run jobs now: one LLEN per queue (O(1), one pipeline, at most queuesProbed), then the
  // active lists of the queues running the most are read. Idle queues have nothing to show.
  const probed = queues.slice(0, BUSY_LIMITS.queuesProbed);
  const lengths = await activeLengths(conn, probed);
  const lengthOf = new Map(probed.map((queue, i) => [queue, lengths[i]]));
  const running = probed.filter((queue) => lengthOf.get(queue)! > 0);
  const read = [...running].sort((a, b) => lengthOf.get(b)! - lengthOf.get(a)! || a.localeCompare(b)).slice(0, BUSY_LIMITS.queuesRead);
  const actives = await Promise.all(read.map((queue) => readActive(conn, queue, lengthOf.get(queue)!)));
  const byName = new Map(processes.filter((p) => p.name !== '(unnamed)').map((p) => [p.name, p]));
  const unnamedByQueue = new Map(processes.filter((p) => p.name === '(unnamed)').map((p) => [p.queues[0], p]));
  read.forEach((queue, i) => {
    const { jobs, complete } = actives[i];
    for (const job of jobs) {
      const owner = job.processedBy ? byName.get(job.processedBy) : unnamedByQueue.get(queue);
      if (!owner) continue;
      owner.jobsTotal += 1;
      if (owner.jobs.length < BUSY_LIMITS.jobsPerProcess) owner.jobs.push({ queue, ...capId(job.id), idTruncated: job.id.length > BUSY_ID_CAP, name: capText(job.name), startedAt: job.startedAt, progress: job.progress });
    }
    if (!complete) for (const p of processes) if (p.queues.includes(queue)) p.partial = true;
  });
  // Not read: queues past the probe, and running queues past the read cap (idle ones are complete).
  const readSet = new Set(read);
  const unread = new Set([...queues.slice(BUSY_LIMITS.queuesProbed), ...running.filter((q) => !readSet.has(q))]);
  for (const p of processes) {
    if (p.queues.some((q) => unread.has(q))) p.partial = true;
    p.jobs.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
  }
  return { processes, total: all.length };
}

/** The number of active jobs of each queue (0 when it cannot be read), in one round trip. */
function activeLengths(conn: Connection, queues: string[]): Promise<number[]> {
  return conn.store.activeCounts(queues);
}

type ActiveJob = { id: string; name: string; startedAt: number | null; progress: number | string | null; processedBy: string | null };

/** The oldest BUSY_LIMITS.activeRead jobs of a queue's active list (summary fields only), and whether that was all of it. */
async function readActive(conn: Connection, queue: string, length: number): Promise<{ jobs: ActiveJob[]; complete: boolean }> {
  // `length` is the count read when the queues were ranked (one round trip for all of them).
  const ids = await conn.store.longestActiveIds(queue, BUSY_LIMITS.activeRead);
  const summaries = await getJobSummaries(conn, queue, ids);
  return {
    jobs: summaries.map((s) => ({ id: s.id, name: s.name, startedAt: busyTime(s.processedOn), progress: s.progress, processedBy: s.processedBy })),
    complete: length <= BUSY_LIMITS.activeRead,
  };
}

/** Progress of the Drover runtimes' listed jobs (their heartbeats do not carry it): one summary call per queue. */
async function addProgress(conn: Connection, processes: BusyProcess[]): Promise<void> {
  const byQueue = new Map<string, BusyJob[]>();
  for (const p of processes) {
    if (p.kind !== 'drover') continue;
    // A truncated id names no job.
    for (const job of p.jobs) if (!job.idTruncated) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job]);
  }
  await Promise.all(
    [...byQueue].map(async ([queue, jobs]) => {
      const summaries = new Map((await getJobSummaries(conn, queue, jobs.map((j) => j.id))).map((s) => [s.id, s]));
      for (const job of jobs) job.progress = summaries.get(job.id)?.progress ?? null;
    }),
  );
}

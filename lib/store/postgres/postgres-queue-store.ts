// The PostgreSQL side of the store seam: BullMQ's schema read with Drover's SQL (./sql.ts) through the
// connection's bounded pool (statement_timeout on every statement). Jobs are changed only through
// BullMQ's own classes (conn.queue(), Job), never by writing its tables.
import 'server-only';
import type { Pool, QueryResultRow } from 'pg';
import type { Connection } from '@/lib/redis/connections';
import { JOB_STATES, type JobState } from '@/lib/jobs/job-states';
import { LIST_TEXT_CAP, parseSummaryRow, type JobSummary } from '@/lib/jobs/job-summary';
import { DETAIL_FIELD_CAP, parseJobDetailFields } from '@/lib/jobs/get-job';
import { METRIC_POINTS, parseQueueSummary, type QueueSummary } from '@/lib/queues/queue-summary';
import type { JobField } from '@/lib/jobs/schemas';
import type { JobHandleFields, JobPageSlice, JobTiming, MetricsRecord, QueueStore, ScanPosition } from '../queue-store';
import type { WorkerInfo } from '@/lib/queues/workers-by-queue';
import type { Attempt } from '@/lib/attempts/attempt';
import { attemptsOf } from '@/lib/attempts/read-attempts';
import { ATTEMPTS_CAP } from '@/lib/attempts/attempt';
import * as SQL from './sql';
import { createHealthPool } from './pg-pool';
import type { QueueEventReader } from '../event-reader';
import { PostgresEventReader } from './postgres-event-reader';
import { PostgresSchedules } from './postgres-schedules';
import { PostgresActions } from './postgres-actions';
import { PostgresSearch } from './postgres-search';
import { PostgresDeadLetters } from './postgres-dead-letters';

/** Queue names read per statement while discovering (each is one index probe). */
const DISCOVERY_BATCH = 500;
/** Queues whose metadata alone names them, at most (meta has a few rows per queue). */
const META_QUEUES_MAX = 100_000;
/** Named sessions read for the worker lists, at most (PostgreSQL's max_connections bounds them anyway). */
const SESSIONS_MAX = 10_000;
/** A state's jobs are counted exactly up to this many; above, the total is PostgreSQL's estimate (flagged approximate). */
export const EXACT_COUNT_MAX = 100_000;
/** Pages this close to the end they are read from use a plain OFFSET (cheap); deeper ones a keyset from their first job's keys. */
const DIRECT_OFFSET_MAX = 1000;
/** Index entries before a deep page's start whose keys are compared with its first job's (ties in finished_at_ms etc.). */
const TIES_SEEN = 200;

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export class PostgresQueueStore implements QueueStore {
  readonly kind = 'postgres' as const;
  private healthPool?: Pool;
  readonly schedules: PostgresSchedules;
  readonly actions: PostgresActions;
  readonly search: PostgresSearch;
  private deadLetterStore?: PostgresDeadLetters;
  /** The counts statement in flight per set of queues (see queueSummaries). */
  private readonly summariesInFlight = new Map<string, Promise<unknown[]>>();
  constructor(private readonly conn: Connection) {
    this.schedules = new PostgresSchedules(conn);
    this.actions = new PostgresActions(conn);
    this.search = new PostgresSearch(conn);
  }

  /** Dead letters in Drover's own schema of this database, on the connection's one pool (made on first use). */
  get deadLetters(): PostgresDeadLetters {
    const conn = this.conn;
    this.deadLetterStore ??= new PostgresDeadLetters({
      pool: conn.pg,
      bullmqSchema: conn.config.schema ?? 'bullmq',
      deadLetterQueue: conn.config.deadLetterQueue,
      where: `PostgreSQL connection "${conn.name}"`,
      attemptRecords: () => conn.records,
      beforeFirst: () => conn.pgReady(),
      readOnly: conn.readOnly,
    });
    return this.deadLetterStore;
  }

  private get pool(): Pool {
    return this.conn.pg;
  }

  private rows<R extends QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return this.conn.pgRows<R>(text, values);
  }

  private async arrays(text: string, values: unknown[]): Promise<unknown[][]> {
    await this.conn.pgReady();
    return (await this.pool.query({ text, values, rowMode: 'array' })).rows as unknown[][];
  }

  async scanQueueNames(deadline: number, resume?: ScanPosition): Promise<{ names: Set<string>; complete: boolean; resume?: ScanPosition }> {
    const names = new Set<string>();
    for (const { queue } of await this.rows<{ queue: string }>(SQL.META_QUEUES, [META_QUEUES_MAX])) names.add(queue);
    // The cursor of a resumed scan is the last queue name the previous one read (keyset order).
    let after = resume?.cursor ?? '';
    for (;;) {
      const batch = await this.rows<{ queue: string }>(SQL.QUEUE_NAMES_AFTER, [after, DISCOVERY_BATCH]);
      for (const { queue } of batch) names.add(queue);
      if (batch.length < DISCOVERY_BATCH) return { names, complete: true };
      after = batch[batch.length - 1].queue;
      if (Date.now() > deadline) return { names, complete: false, resume: { node: 0, cursor: after } };
    }
  }

  async queueSummaries(queues: string[], now: number): Promise<QueueSummary[]> {
    if (queues.length === 0) return [];
    type Row = {
      queue: string;
      waiting: string;
      active: string;
      delayed: string;
      prioritized: string;
      waiting_children: string;
      completed: string;
      failed: string;
      meta: Record<string, string | null> | null;
      oldest_waiting: string | null;
      completed_metrics: [number, number | null, number, number[] | null] | null;
      failed_metrics: [number, number | null, number, number[] | null] | null;
    };
    // One counts statement at a time per set of queues: viewers and the sampler asking together share
    // it (it is the costliest read, a count over each state's index per queue), never a statement each.
    const sorted = [...queues].sort();
    const key = sorted.join('\u0000');
    let pending = this.summariesInFlight.get(key) as Promise<Row[]> | undefined;
    if (!pending) {
      pending = this.rows<Row>(SQL.QUEUE_SUMMARIES, [sorted, METRIC_POINTS, EXACT_COUNT_MAX + 1]).finally(() => this.summariesInFlight.delete(key));
      this.summariesInFlight.set(key, pending);
    }
    const rows = await pending;
    const byName = new Map(rows.map((r) => [r.queue, r]));
    const summaries = queues.map((name) => {
      const r = byName.get(name);
      const meta = r?.meta ?? {};
      const metricsMeta = (m: Row['completed_metrics']) => (m ? [str(m[0]), str(m[1]), str(m[2])] : null);
      const metricsData = (m: Row['completed_metrics']) => (m?.[3] ?? []).map(String);
      // The same positions as the Redis summary script's answer (lib/redis/lua/queue-summaries-n.ts).
      const raw: unknown[] = [
        r?.waiting ?? 0,
        r?.active ?? 0,
        r?.delayed ?? 0,
        r?.prioritized ?? 0,
        r?.waiting_children ?? 0,
        r?.completed ?? 0,
        r?.failed ?? 0,
        meta.paused === '1' ? '1' : '',
        str(meta.concurrency),
        str(meta.max),
        str(meta.duration),
        str(r?.oldest_waiting),
        metricsMeta(r?.completed_metrics ?? null),
        metricsData(r?.completed_metrics ?? null),
        metricsMeta(r?.failed_metrics ?? null),
        metricsData(r?.failed_metrics ?? null),
        Object.keys(meta).length > 0 ? 1 : 0,
      ];
      return parseQueueSummary(this.conn.name, name, raw, now);
    });
    // A count that reached its bound is the planner's estimate instead (flagged): asked only for those.
    await Promise.all(
      summaries.map(async (summary) => {
        const long = JOB_STATES.filter((state) => summary.counts[state] > EXACT_COUNT_MAX);
        if (long.length === 0) return;
        const estimates = await Promise.all(long.map((state) => this.estimate(summary.name, state)));
        long.forEach((state, i) => (summary.counts[state] = Math.max(estimates[i], summary.counts[state])));
        summary.approximate = long;
      }),
    );
    return summaries;
  }

  async queueExtras(queue: string): Promise<{ schedulers: number; rateLimitTtl: number }> {
    const [row] = await this.rows<{ schedulers: string; limiter_ttl: string | null }>(SQL.QUEUE_EXTRAS, [queue]);
    const ttl = Number(row?.limiter_ttl ?? 0);
    return { schedulers: Number(row?.schedulers ?? 0), rateLimitTtl: ttl > 0 ? ttl : 0 };
  }

  /**
   * How many jobs a state holds: exact up to EXACT_COUNT_MAX (a count that stops there, so it never walks
   * more than that many entries), above that PostgreSQL's planner estimate, flagged approximate. The
   * estimate is asked first (it reads only statistics), so a long state costs no walk at all.
   */
  async stateTotal(queue: string, state: JobState): Promise<{ total: number; approximate: boolean }> {
    const estimate = await this.estimate(queue, state);
    if (estimate > EXACT_COUNT_MAX) return { total: estimate, approximate: true };
    const [{ total }] = await this.rows<{ total: string }>(SQL.STATE_COUNT_UPTO(state), [queue, EXACT_COUNT_MAX + 1]);
    const n = Number(total);
    // Statistics older than the queue's growth: the count stopped at the bound, so the state is longer.
    return n > EXACT_COUNT_MAX ? { total: Math.max(n, estimate), approximate: true } : { total: n, approximate: false };
  }

  private async estimate(queue: string, state: JobState): Promise<number> {
    const [row] = await this.rows<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(SQL.STATE_ESTIMATE(state), [queue]);
    return Math.round(Number(row?.['QUERY PLAN']?.[0]?.Plan?.['Plan Rows'] ?? 0));
  }

  /**
   * A page in the same order as BullMQ's getJobs. Pages in the newer half are read from the newest end,
   * pages in the older half from the oldest end (then reversed), so no read passes more than half of the
   * state. The total is exact when small; a long state's total is the planner's estimate, except for a
   * page in the older half, which needs the exact total to know where it is from the other end (a count
   * over the state's index: the one read that still grows with the state, see readPage for the rest).
   */
  async jobPage(queue: string, state: JobState, order: 'desc' | 'asc', start: number, size: number): Promise<JobPageSlice> {
    let { total, approximate } = await this.stateTotal(queue, state);
    if (approximate && total - start - size < start) {
      const [{ total: exact }] = await this.rows<{ total: string }>(SQL.stateCountWalk(state), [queue]);
      total = Number(exact);
      approximate = false;
    }
    const slice = (jobs: JobSummary[]): JobPageSlice => (approximate ? { total, approximate, jobs } : { total, jobs });
    if (!approximate && start >= total) return slice([]);
    const fromOtherEnd = total - start - size;
    if (!approximate && fromOtherEnd < start) {
      const reverse = order === 'desc' ? 'asc' : 'desc';
      const jobs = await this.readPage(queue, state, reverse, Math.max(0, fromOtherEnd), Math.min(size, total - start));
      return slice(jobs.reverse());
    }
    return slice(await this.readPage(queue, state, order, start, size));
  }

  /**
   * `limit` jobs from position `offset` in `order`. Near the end it reads from, a plain OFFSET. Deeper, the
   * index keys at the page's start are found first by an index-only walk (PostgreSQL's B-trees keep no
   * positions, so reaching position N walks N index entries, but no row is read and nothing is sorted),
   * then the page is read from those keys on: only the jobs sharing the start's keys are skipped by OFFSET.
   */
  private async readPage(queue: string, state: JobState, order: 'desc' | 'asc', offset: number, limit: number): Promise<JobSummary[]> {
    const parse = (rows: unknown[][]) => rows.map(parseSummaryRow).filter((r): r is JobSummary => r !== null);
    if (offset <= DIRECT_OFFSET_MAX) return parse(await this.arrays(SQL.pageSql(state, order, LIST_TEXT_CAP), [queue, offset, limit]));
    // The keys of the TIES_SEEN jobs before the page and of its first job: how many of those share the
    // first job's keys is how far into that group the page starts.
    const keys = await this.arrays(SQL.pageKeysSql(state, order), [queue, offset - TIES_SEEN, TIES_SEEN + 1]);
    if (keys.length <= TIES_SEEN) return [];
    const first = keys[TIES_SEEN];
    const same = (row: unknown[]) => row.every((v, i) => String(v) === String(first[i]));
    const before = keys.slice(0, TIES_SEEN).filter(same).length;
    // A key missing, or more jobs sharing it than were looked at: the plain OFFSET, as BullMQ reads it.
    if (first.some((v) => v === null) || before === TIES_SEEN) {
      return parse(await this.arrays(SQL.pageSql(state, order, LIST_TEXT_CAP), [queue, offset, limit]));
    }
    return parse(await this.arrays(SQL.pageSql(state, order, LIST_TEXT_CAP, true), [queue, before, limit, ...first.map(String)]));
  }

  async jobSummaries(queue: string, ids: string[]): Promise<JobSummary[]> {
    if (ids.length === 0) return [];
    const rows = await this.arrays(SQL.summariesByIdSql(LIST_TEXT_CAP), [queue, ids]);
    const byId = new Map(rows.map((r) => [String(r[0]), r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      const summary = row ? parseSummaryRow(row) : null;
      return summary ? [summary] : [];
    });
  }

  async jobDetail(queue: string, id: string) {
    type Row = Record<string, string | number | null> & { dependencies: { processed: number; unprocessed: number; ignored: number; failed: number } };
    const [row] = await this.rows<Row>(SQL.JOB_DETAIL, [queue, id, DETAIL_FIELD_CAP]);
    if (!row) return null;
    const truncated: Record<string, number> = {};
    for (const [field, column] of [
      ['failedReason', 'failed_reason'],
      ['stacktrace', 'stacktrace'],
      ['opts', 'opts'],
    ] as const) {
      const full = Number(row[`${column}_length`] ?? 0);
      if (full > DETAIL_FIELD_CAP) truncated[field] = full;
    }
    // BullMQ's Redis field names, so both stores share one parser (lib/jobs/get-job.ts).
    const fields: Record<string, string> = {
      name: str(row.name),
      timestamp: str(row.added_at_ms),
      processedOn: str(row.processed_at_ms),
      finishedOn: str(row.finished_at_ms),
      delay: str(row.delay_ms),
      delayedUntil: str(row.process_at_ms),
      priority: str(row.priority),
      atm: str(row.attempts_made),
      ats: str(row.attempts_started),
      stc: str(row.stalled_count),
      progress: str(row.progress),
      failedReason: str(row.failed_reason),
      stacktrace: str(row.stacktrace),
      opts: str(row.opts),
      pb: str(row.processed_by),
      rjk: str(row.scheduler_id),
      deid: str(row.dedup_id),
      defa: str(row.deferred_failure),
      parentKey: row.parent_queue && row.parent_id ? `${this.conn.prefix}:${row.parent_queue}:${row.parent_id}` : '',
      __dataSize: str(row.data_size),
      __returnvalueSize: str(row.return_value_size),
    };
    const deps = row.dependencies;
    return parseJobDetailFields(this.conn.prefix, id, fields, truncated, String(row.state), {
      processed: Number(deps.processed),
      unprocessed: Number(deps.unprocessed),
      ignored: Number(deps.ignored),
      failed: Number(deps.failed),
    });
  }

  async jobField(queue: string, id: string, field: JobField, limit: number): Promise<{ size: number; text: string } | null> {
    const [row] = await this.rows<{ size: string; text: string }>(SQL.JOB_FIELD[field], [queue, id, limit < 0 ? null : limit]);
    if (!row) return null;
    let text = row.text ?? '';
    // left() counts characters; the limit is in bytes, as on Redis.
    if (limit >= 0 && Buffer.byteLength(text) > limit) text = Buffer.from(text).subarray(0, limit).toString('utf8').replace(/\uFFFD$/, '');
    return { size: Number(row.size), text };
  }

  async jobLogs(queue: string, id: string, start: number, end: number): Promise<{ count: number; logs: string[] }> {
    const [bounds] = await this.rows<{ count: string; first: string | null }>(SQL.JOB_LOG_BOUNDS, [queue, id]);
    const count = Number(bounds?.count ?? 0);
    if (count === 0 || bounds?.first === null) return { count, logs: [] };
    // LRANGE's meaning of negative positions (from the end), over the lines' contiguous ordinals.
    const from = start < 0 ? Math.max(0, count + start) : start;
    const to = Math.min(count - 1, end < 0 ? count + end : end);
    if (from > to) return { count, logs: [] };
    const first = Number(bounds.first);
    const rows = await this.rows<{ row: string }>(SQL.JOB_LOG_LINES, [queue, id, first + from, first + to]);
    return { count, logs: rows.map((r) => r.row) };
  }

  async jobHandles(queue: string, ids: string[]): Promise<Array<JobHandleFields | null>> {
    if (ids.length === 0) return [];
    const rows = await this.rows<{ id: string; name: string; opts: string; state: string }>(SQL.JOB_HANDLES, [queue, ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(id);
      return r ? { name: r.name, opts: r.opts, state: r.state } : null;
    });
  }

  async jobStates(queue: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.rows<{ id: string; state: string }>(SQL.JOB_STATES, [queue, ids]);
    const byId = new Map(rows.map((r) => [r.id, r.state]));
    return ids.map((id) => byId.get(id) ?? 'missing');
  }

  async pendingChildren(queue: string, id: string): Promise<number> {
    const [row] = await this.rows<{ n: string }>(SQL.PENDING_CHILDREN, [queue, id]);
    return Number(row?.n ?? 0);
  }

  async workersByQueue(): Promise<Map<string, WorkerInfo[]>> {
    const rows = await this.rows<{ application_name: string; addr: string | null; age: number | null; idle: number | null }>(SQL.NAMED_SESSIONS, [SESSIONS_MAX]);
    const byQueue = new Map<string, WorkerInfo[]>();
    for (const row of rows) {
      const name = row.application_name;
      const at = name.indexOf(':w:');
      // "<queue>" alone is a worker without a name; any other suffix (":qe" QueueEvents…) is not a worker.
      if (at === -1 && name.includes(':')) continue;
      const queue = at === -1 ? name : name.slice(0, at);
      const list = byQueue.get(queue) ?? [];
      list.push({ name: at === -1 ? '(unnamed)' : name.slice(at + 3), addr: row.addr ?? '', ageSeconds: Number(row.age ?? 0), idleSeconds: Number(row.idle ?? 0) });
      byQueue.set(queue, list);
    }
    return byQueue;
  }

  async recentFailedCounts(queues: string[], from: number): Promise<Array<number | null>> {
    if (queues.length === 0) return [];
    const rows = await this.rows<{ queue: string; n: string }>(SQL.RECENT_FAILED, [queues, from]);
    const byName = new Map(rows.map((r) => [r.queue, Number(r.n)]));
    return queues.map((q) => byName.get(q) ?? null);
  }

  async serverInfo(): Promise<null> {
    return null;
  }

  /** Drover's worker runtime records a PostgreSQL queue's attempts in the connection's records (schema "drover"), read against BullMQ's row of the job. */
  async attempts(queue: string, id: string): Promise<Attempt[]> {
    const [[raw], [job]] = await Promise.all([
      this.conn.records.attemptLists(queue, [id], ATTEMPTS_CAP),
      this.rows<{ added: string; finished: string | null; locked: boolean }>(SQL.JOB_ATTEMPT_FACTS, [queue, id, Date.now()]),
    ]);
    return attemptsOf(raw ?? [], { timestamp: job ? Number(job.added) : undefined, finishedOn: job?.finished ? Number(job.finished) : null, locked: job?.locked ?? false });
  }

  openEventReader(): QueueEventReader {
    return new PostgresEventReader(this.conn);
  }

  async queuesExist(queues: string[]): Promise<boolean[]> {
    if (queues.length === 0) return [];
    const rows = await this.rows<{ queue: string; found: boolean }>(SQL.QUEUES_EXIST, [queues]);
    const found = new Map(rows.map((r) => [r.queue, r.found]));
    return queues.map((q) => found.get(q) ?? false);
  }

  async metrics(queue: string, points: number): Promise<{ completed: MetricsRecord; failed: MetricsRecord; exists: boolean }> {
    type Row = { kind: string | null; count: string | null; prev_ts: string | null; prev_count: string | null; data: string[] | null; exists: boolean };
    const rows = await this.rows<Row>(SQL.QUEUE_METRICS, [queue, points]);
    const record = (kind: string): MetricsRecord => {
      const r = rows.find((x) => x.kind === kind);
      if (!r || r.count === null) return { meta: null, data: [] };
      return { meta: { count: Number(r.count), prevTS: Number(r.prev_ts ?? 0), prevCount: Number(r.prev_count ?? 0) }, data: (r.data ?? []).map(Number) };
    };
    return { completed: record('completed'), failed: record('failed'), exists: rows[0]?.exists ?? false };
  }

  async recentEventCount(queue: string, event: string, since: number, maxScan: number): Promise<number> {
    const [row] = await this.rows<{ n: number }>(SQL.RECENT_EVENT_COUNT, [queue, event, since, maxScan]);
    return row?.n ?? 0;
  }

  async recentCompletedTimings(queue: string, count: number, opts: { names?: boolean } = {}): Promise<JobTiming[]> {
    const rows = await this.rows<{ name: string; added_at_ms: string | null; processed_at_ms: string | null; finished_at_ms: string | null }>(SQL.RECENT_COMPLETED_TIMINGS, [queue, count, opts.names !== false]);
    const num = (v: string | null) => (v === null ? null : Number(v));
    return rows.map((r) => ({ name: r.name, timestamp: num(r.added_at_ms), processedOn: num(r.processed_at_ms), finishedOn: num(r.finished_at_ms) }));
  }

  async activeCounts(queues: string[]): Promise<number[]> {
    if (queues.length === 0) return [];
    const rows = await this.rows<{ queue: string; n: string }>(SQL.ACTIVE_COUNTS, [queues]);
    const byName = new Map(rows.map((r) => [r.queue, Number(r.n)]));
    return queues.map((q) => byName.get(q) ?? 0);
  }

  async longestActiveIds(queue: string, count: number): Promise<string[]> {
    return (await this.rows<{ id: string }>(SQL.LONGEST_ACTIVE, [queue, count])).map((r) => r.id);
  }

  /**
   * Through a one-connection pool of its own: a health probe answers whether PostgreSQL does, even while
   * the console's pool is busy with slow reads (a load balancer must not take a busy console for dead).
   */
  async ping(): Promise<void> {
    this.healthPool ??= createHealthPool(this.conn.config);
    await this.healthPool.query('SELECT 1');
  }

  /** PostgreSQL refuses writes by raising on them; reachability is what can be checked up front. */
  async probeWrite(): Promise<void> {
    await this.rows('SELECT 1', []);
  }

  async close(): Promise<void> {
    // The connection owns the main pool; the health probe's is this store's.
    const pool = this.healthPool;
    this.healthPool = undefined;
    await pool?.end().catch(() => {});
  }
}

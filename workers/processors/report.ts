// Builds a CSV of a queue's finished jobs over a period, page by page with summary fields only, never
// job payloads: on Redis BullMQ's completed/failed sets (scored by finish time), on PostgreSQL BullMQ's
// job table through its finished-jobs index (queue, state, finished_at_ms) by keyset.
import fs from 'node:fs';
import pg from 'pg';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { fileInside, safeFileName } from './safe-file-name';
import type { ReportData } from '@/lib/job-kinds/report';
import type { InlineProcessor, PostgresReader } from '../runtime/processor';

export type ReportResult = {
  file: string;
  queue: string;
  from: string;
  to: string;
  states: string[];
  rows: number;
  /** True when maxRows cut the report short. */
  truncated: boolean;
};

/** Jobs read per page (ZRANGEBYSCORE … LIMIT and one pipeline of HMGETs). */
const PAGE = 500;
const FIELDS = ['name', 'timestamp', 'processedOn', 'finishedOn', 'atm', 'attemptsMade', 'failedReason', 'pb'] as const;
export const REPORT_COLUMNS = ['id', 'name', 'state', 'attempts', 'created_at', 'processed_at', 'finished_at', 'duration_ms', 'worker', 'failed_reason'] as const;

type Row = Record<(typeof REPORT_COLUMNS)[number], string>;

export function csvField(raw: string): string {
  // A leading = + - @ would run as a formula in a spreadsheet: job text is hostile, so it is quoted off.
  const value = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function iso(ms: string | null): string {
  const n = Number(ms);
  return ms && Number.isFinite(n) ? new Date(n).toISOString() : '';
}

export function resolvePeriod(data: Pick<ReportData, 'from' | 'to' | 'lastMinutes'>, now = Date.now()): { from: number; to: number } {
  const to = data.to ? Date.parse(data.to) : now;
  const from = data.from ? Date.parse(data.from) : to - data.lastMinutes * 60_000;
  return { from, to };
}

type FinishedState = ReportData['states'][number];
/** One page of a state's finished jobs in the period, oldest first: its rows and how many ids it read. */
type Page = { rows: Row[]; read: number; last: boolean };
type Walk = (queue: string, state: FinishedState, from: number, to: number, pageSize: number) => AsyncGenerator<Page>;

function row(id: string, state: FinishedState, f: { name: string | null; timestamp: string | null; processedOn: string | null; finishedOn: string | null; attempts: string | null; failedReason: string | null; worker: string | null }): Row {
  const duration = f.processedOn && f.finishedOn ? String(Number(f.finishedOn) - Number(f.processedOn)) : '';
  return {
    id,
    name: f.name ?? '',
    state,
    attempts: f.attempts ?? '0',
    created_at: iso(f.timestamp),
    processed_at: iso(f.processedOn),
    finished_at: iso(f.finishedOn),
    duration_ms: duration,
    worker: f.worker ?? '',
    failed_reason: state === 'failed' ? (f.failedReason ?? '') : '',
  };
}

function redisWalk(redis: Redis, prefix: string): Walk {
  return async function* (queue, state, from, to, pageSize) {
    const key = `${prefix}:${queue}:${state}`;
    // Walk by score (finishedOn), not by rank: BullMQ trims the oldest jobs of the set (removeOnComplete,
    // removeOnFail) while the report reads, which would shift later jobs past a LIMIT offset; a score
    // cursor also costs O(log n) per page where a deep offset costs O(offset). The ids already read at
    // the cursor's score are skipped, as jobs finished in the same millisecond share it.
    let min = from;
    let seenAtMin = new Set<string>();
    for (;;) {
      const requested = pageSize + seenAtMin.size;
      const raw = await redis.zrangebyscore(key, min, to, 'WITHSCORES', 'LIMIT', 0, requested);
      const ids: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const score = Number(raw[i + 1]);
        if (score === min && seenAtMin.has(raw[i])) continue;
        ids.push(raw[i]);
        scores.push(score);
      }
      if (ids.length === 0) return;
      const top = scores[scores.length - 1];
      const atTop = ids.filter((_, i) => scores[i] === top);
      seenAtMin = top === min ? new Set([...seenAtMin, ...atTop]) : new Set(atTop);
      min = top;
      const last = raw.length < requested * 2;
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hmget(`${prefix}:${queue}:${id}`, ...FIELDS);
      const results = (await pipeline.exec()) ?? [];
      const rows: Row[] = [];
      results.forEach(([err, values], i) => {
        if (err || !values) return;
        const [name, timestamp, processedOn, finishedOn, atm, attemptsMade, failedReason, worker] = values as (string | null)[];
        if (name === null && finishedOn === null) return; // removed between the two reads
        rows.push(row(ids[i], state, { name, timestamp, processedOn, finishedOn, attempts: atm ?? attemptsMade, failedReason, worker }));
      });
      yield { rows, read: ids.length, last };
      if (last) return;
    }
  };
}

/** The finished-jobs index's state, as a literal: a partial index is used only for a state the plan can see. */
const STATE_SQL: Record<FinishedState, string> = { completed: `'completed'`, failed: `'failed'` };

function postgresWalk(sql: PostgresReader): Walk {
  const S = pg.escapeIdentifier(sql.schema);
  return async function* (queue, state, from, to, pageSize) {
    // Keyset on (finished_at_ms, id) through BullMQ's job_finished_idx (queue, state, finished_at_ms):
    // jobs BullMQ removes while the report reads shift nothing, and jobs finished in one millisecond are
    // ordered by id, each read once. Summary columns only (no data, return value or stack trace).
    let after: [number, string] = [from, ''];
    for (;;) {
      const found = await sql.query<{ id: string; name: string; added: string | null; processed: string | null; finished: string; attempts: number; failed_reason: string | null; processed_by: string | null }>(
        `SELECT id, name, added_at_ms::text AS added, processed_at_ms::text AS processed, finished_at_ms::text AS finished, attempts_made AS attempts, failed_reason, processed_by
         FROM ${S}.job
         WHERE queue = $1 AND state = ${STATE_SQL[state]} AND finished_at_ms >= $2 AND finished_at_ms <= $3 AND (finished_at_ms, id) > ($2::bigint, $4::text)
         ORDER BY finished_at_ms, id LIMIT $5`,
        [queue, after[0], to, after[1], pageSize],
      );
      if (found.length === 0) return;
      const rows = found.map((r) =>
        row(r.id, state, { name: r.name, timestamp: r.added, processedOn: r.processed, finishedOn: r.finished, attempts: String(r.attempts), failedReason: r.failed_reason, worker: r.processed_by }),
      );
      const last = found.length < pageSize;
      yield { rows, read: found.length, last };
      if (last) return;
      const tail = found[found.length - 1];
      after = [Number(tail.finished), tail.id];
    }
  };
}

export function createReportProcessor(opts: { reportsDir: string; pageSize?: number }): InlineProcessor<ReportData, ReportResult> {
  const pageSize = opts.pageSize ?? PAGE;
  return async ({ job, data, signal, connection }) => {
    const walk: Walk | null =
      connection.store === 'postgres'
        ? connection.sql
          ? postgresWalk(connection.sql)
          : null
        : connection.redis
          ? redisWalk(connection.redis, connection.prefix)
          : null;
    if (!walk) throw new UnrecoverableError(`Reports need a reader of the queue's ${connection.store === 'postgres' ? 'database' : 'Redis'}, which this runtime did not provide`);
    const { from, to } = resolvePeriod(data);
    const period = `${new Date(from).toISOString()} .. ${new Date(to).toISOString()}`;
    await job.log(`report of ${data.states.join('+')} jobs of queue "${data.queue}" finished ${period}`);
    const rows: Row[] = [];
    let truncated = false;
    for (const [index, state] of data.states.entries()) {
      let read = 0;
      for await (const page of walk(data.queue, state, from, to, pageSize)) {
        signal.throwIfAborted();
        rows.push(...page.rows);
        read += page.read;
        if (rows.length >= data.maxRows) {
          truncated = true;
          break;
        }
        if (!page.last) await job.updateProgress(Math.min(90, Math.round(((index + 0.5) / data.states.length) * 90)));
      }
      await job.log(`${state}: ${read} jobs read`);
      await job.updateProgress(Math.round(((index + 1) / data.states.length) * 90));
      if (truncated) break;
    }
    const kept = rows.slice(0, data.maxRows).sort((a, b) => a.finished_at.localeCompare(b.finished_at) || Number(a.id) - Number(b.id));
    fs.mkdirSync(opts.reportsDir, { recursive: true });
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, '-');
    const file = fileInside(opts.reportsDir, `${safeFileName(data.queue)}-${stamp(from)}-${stamp(to)}-job${safeFileName(String(job.id))}.csv`);
    const lines = [REPORT_COLUMNS.join(','), ...kept.map((row) => REPORT_COLUMNS.map((c) => csvField(row[c])).join(','))];
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    await job.log(`${kept.length} rows written to ${file}${truncated ? ` (cut at maxRows ${data.maxRows})` : ''}`);
    await job.updateProgress(100);
    return { file, queue: data.queue, from: new Date(from).toISOString(), to: new Date(to).toISOString(), states: data.states, rows: kept.length, truncated };
  };
}

// Builds a CSV of a queue's finished jobs over a period, reading BullMQ's completed/failed sets
// (scored by finish time) page by page with summary fields only, never job payloads.
import fs from 'node:fs';
import { UnrecoverableError } from 'bullmq';
import { fileInside, safeFileName } from './safe-file-name';
import type { ReportData } from '@/lib/job-kinds/report';
import type { InlineProcessor } from '../runtime/processor';

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

export function createReportProcessor(opts: { reportsDir: string; pageSize?: number }): InlineProcessor<ReportData, ReportResult> {
  const pageSize = opts.pageSize ?? PAGE;
  return async ({ job, data, signal, connection }) => {
    const { redis, prefix } = connection;
    if (connection.store === 'postgres' || !redis) {
      // The report walks the queue's Redis sets.
      throw new UnrecoverableError('Reports read the queue from Redis in this version of Drover: a report of a queue kept in PostgreSQL is not available yet');
    }
    const { from, to } = resolvePeriod(data);
    const period = `${new Date(from).toISOString()} .. ${new Date(to).toISOString()}`;
    await job.log(`report of ${data.states.join('+')} jobs of queue "${data.queue}" finished ${period}`);
    const rows: Row[] = [];
    let truncated = false;
    for (const [index, state] of data.states.entries()) {
      const key = `${prefix}:${data.queue}:${state}`;
      // Walk by score (finishedOn), not by rank: BullMQ trims the oldest jobs of the set (removeOnComplete,
      // removeOnFail) while the report reads, which would shift later jobs past a LIMIT offset; a score
      // cursor also costs O(log n) per page where a deep offset costs O(offset). The ids already read at
      // the cursor's score are skipped, as jobs finished in the same millisecond share it.
      let min = from;
      let seenAtMin = new Set<string>();
      let read = 0;
      for (;;) {
        signal.throwIfAborted();
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
        if (ids.length === 0) break;
        const top = scores[scores.length - 1];
        const atTop = ids.filter((_, i) => scores[i] === top);
        seenAtMin = top === min ? new Set([...seenAtMin, ...atTop]) : new Set(atTop);
        min = top;
        const lastPage = raw.length < requested * 2;
        const pipeline = redis.pipeline();
        for (const id of ids) pipeline.hmget(`${prefix}:${data.queue}:${id}`, ...FIELDS);
        const results = (await pipeline.exec()) ?? [];
        results.forEach(([err, values], i) => {
          if (err || !values) return;
          const [name, timestamp, processedOn, finishedOn, atm, attemptsMade, failedReason, worker] = values as (string | null)[];
          if (name === null && finishedOn === null) return; // removed between the two reads
          const duration = processedOn && finishedOn ? String(Number(finishedOn) - Number(processedOn)) : '';
          rows.push({
            id: ids[i],
            name: name ?? '',
            state,
            attempts: atm ?? attemptsMade ?? '0',
            created_at: iso(timestamp),
            processed_at: iso(processedOn),
            finished_at: iso(finishedOn),
            duration_ms: duration,
            worker: worker ?? '',
            failed_reason: state === 'failed' ? (failedReason ?? '') : '',
          });
        });
        read += ids.length;
        if (rows.length >= data.maxRows) {
          truncated = true;
          break;
        }
        if (lastPage) break;
        await job.updateProgress(Math.min(90, Math.round(((index + 0.5) / data.states.length) * 90)));
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

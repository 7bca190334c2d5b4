// The PostgreSQL side of the schedules seam: BullMQ's `scheduler` table read with Drover's SQL; every
// change goes through BullMQ's Queue (upsertJobScheduler, removeJobScheduler).
import 'server-only';
import type { RepeatOptions } from 'bullmq';
import type { QueryResultRow } from 'pg';
import type { Connection } from '@/lib/redis/connections';
import { LIST_DATA_CAP, MAX_SCHEDULERS_PER_QUEUE, OUTCOME_SCAN_DEPTH, OUTCOMES_PER_SCHEDULE, parseSchedulerRow, type QueueSchedulers } from '@/lib/schedules/read-schedulers';
import { repeatOptionsOf } from '@/lib/schedules/validate-schedule';
import type { ScheduleDefinition, ScheduleOutcome } from '@/lib/schedules/types';
import type { SchedulesStore } from '../schedules-store';
import * as SQL from './schedules-sql';

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export class PostgresSchedules implements SchedulesStore {
  constructor(private readonly conn: Connection) {}

  private rows<R extends QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return this.conn.pgRows<R>(text, values);
  }

  async count(queues: string[]): Promise<Map<string, number>> {
    if (queues.length === 0) return new Map();
    const rows = await this.rows<{ queue: string; n: number }>(SQL.SCHEDULER_COUNTS, [queues]);
    return new Map(rows.map((r) => [r.queue, Number(r.n)]));
  }

  async page(queues: string[], dataCap = LIST_DATA_CAP): Promise<QueueSchedulers[]> {
    if (queues.length === 0) return [];
    const rows = await this.rows<Record<string, string | number | null>>(SQL.SCHEDULERS_PAGE, [queues, MAX_SCHEDULERS_PER_QUEUE, dataCap]);
    const byQueue = new Map<string, QueueSchedulers>(queues.map((queue) => [queue, { queue, total: 0, schedulers: [], legacy: [] }]));
    for (const r of rows) {
      const out = byQueue.get(String(r.queue));
      if (!out) continue;
      out.total = Number(r.total);
      if (r.scheduler_id === null) continue;
      // The row in the positions of the Redis script's answer, so both stores decode alike (BullMQ's
      // own template decoding included). PostgreSQL has no legacy repeatables: "ic" is always there.
      const row = [
        text(r.scheduler_id), text(r.next_run_ms), '1', text(r.name), text(r.iteration_count ?? 0), text(r.limit_count), text(r.start_date_ms), text(r.end_date_ms),
        text(r.tz), text(r.pattern), text(r.every_ms), text(r.offset_ms), text(r.opts), Number(r.data_size ?? 0), text(r.data),
      ];
      const parsed = parseSchedulerRow(out.queue, row);
      if (parsed.scheduler) out.schedulers.push(parsed.scheduler);
    }
    return [...byQueue.values()];
  }

  async outcomes(idsByQueue: Map<string, string[]>): Promise<Map<string, ScheduleOutcome[]>> {
    const out = new Map<string, ScheduleOutcome[]>();
    for (const [queue, ids] of idsByQueue) {
      if (ids.length === 0) continue;
      const rows = await this.rows<{ scheduler_id: string; id: string; state: string; finished_at_ms: string }>(SQL.SCHEDULE_OUTCOMES, [queue, OUTCOME_SCAN_DEPTH, ids]);
      for (const r of rows) {
        const key = `${queue}\n${r.scheduler_id}`;
        const list = out.get(key) ?? [];
        if (list.length < OUTCOMES_PER_SCHEDULE) list.push({ jobId: r.id, state: r.state as ScheduleOutcome['state'], finishedOn: Number(r.finished_at_ms) });
        out.set(key, list);
      }
    }
    return out;
  }

  async isScheduler(queue: string, id: string): Promise<boolean> {
    return (await this.rows(SQL.SCHEDULER_NEXT, [queue, id])).length > 0;
  }

  async nextRun(queue: string, id: string): Promise<number | null> {
    const [row] = await this.rows<{ next_run_ms: string | null }>(SQL.SCHEDULER_NEXT, [queue, id]);
    return row?.next_run_ms ? Number(row.next_run_ms) : null;
  }

  async isDelayed(queue: string, jobId: string): Promise<boolean> {
    const [row] = await this.rows<{ delayed: boolean }>(SQL.JOB_IS_DELAYED, [queue, jobId]);
    return row?.delayed ?? false;
  }

  /**
   * BullMQ's PostgreSQL store starts a re-created scheduler's iteration count at 1 and offers no way to
   * carry it on (and Drover does not write BullMQ's tables): the jobs a limited schedule still may
   * produce are carried by its limit instead (limit − jobs already produced).
   */
  resumeOptions(def: ScheduleDefinition, iterationsDone: number): Omit<RepeatOptions, 'key'> {
    const repeat = repeatOptionsOf(def, 0);
    if (def.limit) repeat.limit = Math.max(1, def.limit - iterationsDone);
    return repeat;
  }

  async restoreIterationCount(): Promise<void> {
    /* see resumeOptions */
  }
}

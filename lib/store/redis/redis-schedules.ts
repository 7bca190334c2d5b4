// The Redis side of the schedules seam: BullMQ's "<prefix>:<queue>:repeat" zset and hashes read with
// Drover's Lua (one pipeline per listing), the iteration count restored with a Lua script.
import 'server-only';
import type { RepeatOptions } from 'bullmq';
import type { Connection } from '@/lib/redis/connections';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { scheduleOutcomesScript } from '@/lib/schedules/lua/schedule-outcomes-1';
import { schedulersPageScript } from '@/lib/schedules/lua/schedulers-page-1';
import { restoreIterationCountScript } from '@/lib/schedules/lua/restore-iteration-count-1';
import { LIST_DATA_CAP, MAX_SCHEDULERS_PER_QUEUE, OUTCOME_SCAN_DEPTH, OUTCOMES_PER_SCHEDULE, parseSchedulerRow, type QueueSchedulers } from '@/lib/schedules/read-schedulers';
import { repeatOptionsOf } from '@/lib/schedules/validate-schedule';
import type { ScheduleDefinition, ScheduleOutcome } from '@/lib/schedules/types';
import type { SchedulesStore } from '../schedules-store';

export class RedisSchedules implements SchedulesStore {
  constructor(private readonly conn: Connection) {}

  async count(queues: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (queues.length === 0) return counts;
    const pipeline = this.conn.redis.pipeline();
    for (const q of queues) pipeline.zcard(this.conn.key(q, 'repeat'));
    const results = (await pipeline.exec()) ?? [];
    queues.forEach((q, i) => {
      const [err, value] = results[i] ?? [new Error('no reply')];
      if (err) throw err;
      counts.set(q, Number(value));
    });
    return counts;
  }

  async page(queues: string[], dataCap = LIST_DATA_CAP): Promise<QueueSchedulers[]> {
    if (queues.length === 0) return [];
    const pipeline = withLuaScripts(this.conn.redis, [schedulersPageScript]).pipeline();
    for (const q of queues) pipeline.droverSchedulersPage(this.conn.queuePrefix(q), MAX_SCHEDULERS_PER_QUEUE, dataCap);
    const results = (await pipeline.exec()) ?? [];
    return queues.map((queue, i) => {
      const [err, value] = results[i] ?? [new Error('no reply')];
      if (err) throw err;
      const [total, ...rows] = value as [number, ...Array<Array<string | number>>];
      const out: QueueSchedulers = { queue, total: Number(total), schedulers: [], legacy: [] };
      for (const row of rows) {
        const parsed = parseSchedulerRow(queue, row);
        if (parsed.scheduler) out.schedulers.push(parsed.scheduler);
        if (parsed.legacy) out.legacy.push(parsed.legacy);
      }
      return out;
    });
  }

  async outcomes(idsByQueue: Map<string, string[]>): Promise<Map<string, ScheduleOutcome[]>> {
    const out = new Map<string, ScheduleOutcome[]>();
    const queues = [...idsByQueue.entries()].filter(([, ids]) => ids.length > 0);
    if (queues.length === 0) return out;
    const pipeline = withLuaScripts(this.conn.redis, [scheduleOutcomesScript]).pipeline();
    for (const [q, ids] of queues) pipeline.droverScheduleOutcomes(this.conn.queuePrefix(q), OUTCOME_SCAN_DEPTH, OUTCOMES_PER_SCHEDULE, ...ids);
    const results = (await pipeline.exec()) ?? [];
    queues.forEach(([queue], i) => {
      const [err, value] = results[i] ?? [new Error('no reply')];
      if (err) throw err;
      for (const [id, jobId, state, finishedOn] of value as Array<[string, string, string, string]>) {
        const key = `${queue}\n${id}`;
        const list = out.get(key) ?? [];
        list.push({ jobId, state: state as ScheduleOutcome['state'], finishedOn: Number(finishedOn) });
        out.set(key, list);
      }
    });
    for (const [key, list] of out) out.set(key, list.sort((a, b) => b.finishedOn - a.finishedOn).slice(0, OUTCOMES_PER_SCHEDULE));
    return out;
  }

  /** Entries without BullMQ 6's "ic" field are legacy repeatables, not schedulers. */
  async isScheduler(queue: string, id: string): Promise<boolean> {
    return (await this.conn.redis.hexists(`${this.conn.key(queue, 'repeat')}:${id}`, 'ic')) === 1;
  }

  async nextRun(queue: string, id: string): Promise<number | null> {
    const score = await this.conn.redis.zscore(this.conn.key(queue, 'repeat'), id);
    return score === null ? null : Number(score);
  }

  async isDelayed(queue: string, jobId: string): Promise<boolean> {
    return (await this.conn.redis.zscore(this.conn.key(queue, 'delayed'), jobId)) !== null;
  }

  resumeOptions(def: ScheduleDefinition, iterationsDone: number): Omit<RepeatOptions, 'key'> {
    return repeatOptionsOf(def, iterationsDone);
  }

  /** BullMQ's upsert starts "ic" at 1 and has no option for it: a Lua script adds the paused count. */
  async restoreIterationCount(queue: string, id: string, iterationsDone: number): Promise<void> {
    if (iterationsDone > 0) await withLuaScripts(this.conn.redis, [restoreIterationCountScript]).droverRestoreIterationCount(this.conn.key(queue, 'repeat'), id, iterationsDone);
  }
}

// Reads a queue's "repeat" zset and tells BullMQ 6 job schedulers (metadata hash with "ic") from
// legacy BullMQ 5 repeatables, which BullMQ 6 can neither list (getJobSchedulers throws on them) nor run.
import 'server-only';
import { Job, hasLegacyRepeatableKeyShape } from 'bullmq';
import type { Connection } from '@/lib/redis/connections';
import { describeSchedule } from './cron';
import type { LegacyRepeatable, ScheduleDefinition, ScheduleOutcome } from './types';

/** Schedulers read per queue in one call (soonest first); more are reported as truncated. */
export const MAX_SCHEDULERS_PER_QUEUE = 500;
/** Template data larger than this is left out of lists (it is still used by pause, resume and run). */
export const LIST_DATA_CAP = 64 * 1024;
/** How many of the newest completed and failed jobs are looked at for a scheduler's last outcomes. */
export const OUTCOME_SCAN_DEPTH = 300;
export const OUTCOMES_PER_SCHEDULE = 5;

export type LiveScheduler = ScheduleDefinition & { next: number | null; dataSize: number; dataOmitted: boolean };

export type QueueSchedulers = {
  queue: string;
  total: number;
  schedulers: LiveScheduler[];
  legacy: Omit<LegacyRepeatable, 'connection' | 'readOnly'>[];
};

const int = (s: string): number | undefined => {
  if (s === '' || s === undefined || s === null) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
};

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The fields of one entry of the droverSchedulersPage script. */
export function parseSchedulerRow(queue: string, row: Array<string | number>): { scheduler?: LiveScheduler; legacy?: QueueSchedulers['legacy'][number] } {
  const s = (i: number) => (row[i] === undefined || row[i] === null ? '' : String(row[i]));
  const [id, score, hashExists] = [s(0), int(s(1)) ?? null, s(2) === '1'];
  const [name, ic, limit, startDate, endDate, tz, pattern, every, offset, opts] = [s(3), s(4), s(5), s(6), s(7), s(8), s(9), s(10), s(11), s(12)];
  const dataSize = Number(row[13] ?? 0);
  const dataRaw = s(14);
  if (ic !== '') {
    const scheduler: LiveScheduler = {
      id,
      template: { name },
      next: score,
      dataSize,
      dataOmitted: dataSize > 0 && dataRaw === '',
    };
    if (pattern) scheduler.pattern = pattern;
    if (int(every)) scheduler.every = int(every);
    if (tz) scheduler.tz = tz;
    if (int(startDate)) scheduler.startDate = int(startDate);
    if (int(endDate)) scheduler.endDate = int(endDate);
    if (int(limit)) scheduler.limit = int(limit);
    if (int(offset)) scheduler.offset = int(offset);
    scheduler.iterationCount = int(ic);
    // Same decoding as BullMQ's JobScheduler.getTemplateFromJSON.
    if (dataRaw) scheduler.template.data = parseJson(dataRaw);
    if (opts) scheduler.template.opts = Job.optsFromJSON(opts) as Record<string, unknown>;
    return { scheduler };
  }
  if (hashExists) {
    // BullMQ 5 (hashed key): metadata hash without "ic", written by addRepeatableJob.
    const legacy = { queue, key: id, format: 'hashed' as const, name: name || null, jobId: null, pattern: pattern || null, every: int(every) ?? null, tz: tz || null, endDate: int(endDate) ?? null, next: score };
    return { legacy: { ...legacy, description: describeSchedule(legacy) } };
  }
  if (hasLegacyRepeatableKeyShape(id)) return { legacy: parseLegacyKey(queue, id, score) };
  return { legacy: { queue, key: id, format: 'orphan', name: null, jobId: null, pattern: null, every: null, tz: null, endDate: null, next: score, description: 'no metadata' } };
}

/** "name:jobId:endDate:tz:pattern-or-every", the repeat key of BullMQ ≤ 5 (as its keyToData reads it). */
export function parseLegacyKey(queue: string, key: string, next: number | null): QueueSchedulers['legacy'][number] {
  const parts = key.split(':');
  const suffix = parts.slice(4).join(':');
  const isEvery = /^\d+$/.test(suffix);
  const legacy = {
    queue,
    key,
    format: 'key' as const,
    name: parts[0] || null,
    jobId: parts[1] || null,
    endDate: int(parts[2]) ?? null,
    tz: parts[3] || null,
    pattern: isEvery ? null : suffix || null,
    every: isEvery ? Number(suffix) : null,
    next,
  };
  return { ...legacy, description: describeSchedule(legacy) };
}

/** Schedulers per queue (Redis: entries of its "repeat" zset), one round trip. */
export function countRepeatEntries(conn: Connection, queues: string[]): Promise<Map<string, number>> {
  return conn.store.schedules.count(queues);
}

/** Schedulers and legacy entries of the given queues, one round trip; `dataCap` 0 reads no template data. */
export function readQueueSchedulers(conn: Connection, queues: string[], dataCap = LIST_DATA_CAP): Promise<QueueSchedulers[]> {
  return conn.store.schedules.page(queues, dataCap);
}

/** Last finished jobs per scheduler id, newest first, keyed "<queue>\n<id>". One round trip. */
export function readOutcomes(conn: Connection, idsByQueue: Map<string, string[]>): Promise<Map<string, ScheduleOutcome[]>> {
  return conn.store.schedules.outcomes(idsByQueue);
}

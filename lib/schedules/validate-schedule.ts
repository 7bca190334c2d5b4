// A schedule input checked field by field (cron, time zone, interval, dates, limit, template data
// against the queue's registry schema) before anything is written; every error names its field.
import 'server-only';
import type { RepeatOptions } from 'bullmq';
import { InvalidError, type FieldErrors } from '@/lib/errors';
import { parseJsonInput, validateAgainstRegistry } from '@/lib/jobs/job-data';
import { withKindDefaults } from '@/lib/job-kinds/registry';
import { MIN_EVERY_MS, checkCronPattern, checkTimeZone, previewRuns } from './cron';
import type { ScheduleInput } from './schema';
import type { ScheduleDefinition } from './types';

export type ValidSchedule = {
  repeat: Omit<RepeatOptions, 'key'>;
  template: { name: string; data: unknown; opts: Record<string, unknown> };
  /** first run BullMQ will produce (cron) — null for intervals, which start at once or at startDate */
  firstRun: number | null;
};

function toMillis(v: string | number | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'number' ? v : Date.parse(v);
}

function fail(field: string, message: string, fieldErrors: FieldErrors = {}): never {
  throw new InvalidError(message, { ...fieldErrors, [field]: [message] });
}

/** Checks the timing part; shared with the cron preview so both say the same thing. */
export function validateTiming(input: { pattern?: string; every?: number; tz?: string; startDate?: number; endDate?: number; immediately?: boolean }, now = Date.now()): void {
  const hasPattern = Boolean(input.pattern?.trim());
  const hasEvery = input.every !== undefined && input.every !== null;
  if (hasPattern === hasEvery) fail(hasPattern ? 'every' : 'pattern', hasPattern ? 'Give either a cron pattern or an interval (every), not both' : 'Give a cron pattern or an interval (every ms)');
  if (hasPattern) {
    const error = checkCronPattern(input.pattern!);
    if (error) fail('pattern', `Invalid cron pattern "${input.pattern!.trim()}": ${error}`);
  } else if (input.every! < MIN_EVERY_MS) {
    fail('every', `every must be at least ${MIN_EVERY_MS} ms (1 second); got ${input.every}`);
  }
  if (input.tz) {
    if (!hasPattern) fail('tz', 'A time zone applies to cron patterns only; intervals ignore it');
    const error = checkTimeZone(input.tz);
    if (error) fail('tz', error);
  }
  if (input.startDate !== undefined && Number.isNaN(input.startDate)) fail('startDate', 'startDate is not a valid date');
  if (input.endDate !== undefined && Number.isNaN(input.endDate)) fail('endDate', 'endDate is not a valid date');
  if (input.startDate !== undefined && input.endDate !== undefined && input.endDate <= input.startDate) {
    fail('endDate', `endDate (${new Date(input.endDate).toISOString()}) must be after startDate (${new Date(input.startDate).toISOString()})`);
  }
  if (input.endDate !== undefined && input.endDate <= now) fail('endDate', `endDate (${new Date(input.endDate).toISOString()}) is in the past: the schedule would never run`);
  if (input.immediately && !hasPattern) fail('immediately', '"immediately" applies to cron patterns only (an interval schedule runs at once anyway)');
  if (input.immediately && input.startDate !== undefined) fail('immediately', '"immediately" and startDate cannot be used together');
}

export function validateSchedule(queue: string, input: ScheduleInput, now = Date.now()): ValidSchedule {
  const startDate = toMillis(input.startDate);
  const endDate = toMillis(input.endDate);
  const pattern = input.pattern?.trim() || undefined;
  const tz = input.tz?.trim() || undefined;
  validateTiming({ pattern, every: input.every, tz, startDate, endDate, immediately: input.immediately }, now);
  let firstRun: number | null = null;
  if (pattern) {
    const [first] = previewRuns({ pattern, tz, startDate, endDate, count: 1, now });
    if (!first && !input.immediately) {
      fail('pattern', `"${pattern}" has no run ${startDate ? `between ${new Date(Math.max(startDate, now)).toISOString()}` : 'between now'} and ${new Date(endDate!).toISOString()}`);
    }
    firstRun = first?.at ?? null;
  }
  const data = parseJsonInput(input.template.data ?? {}, 'template.data');
  try {
    validateAgainstRegistry(queue, input.template.name, data);
  } catch (err) {
    // Name the template's fields: "template.name", "template.data.url".
    if (err instanceof InvalidError) {
      const fieldErrors = Object.fromEntries(Object.entries(err.fieldErrors ?? {}).map(([k, v]) => [`template.${k}`, v]));
      throw new InvalidError(err.message, fieldErrors);
    }
    throw err;
  }
  const repeat: Omit<RepeatOptions, 'key'> = {};
  if (pattern) repeat.pattern = pattern;
  else repeat.every = input.every;
  if (tz) repeat.tz = tz;
  if (startDate !== undefined) repeat.startDate = startDate;
  if (endDate !== undefined) repeat.endDate = endDate;
  if (input.limit) repeat.limit = input.limit;
  if (input.immediately) repeat.immediately = true;
  // BullMQ stores the template's options with the scheduler and its jobs get nothing else: a bundled
  // queue's kind defaults (attempts, backoff, retention) are written into the template, explicit ones win.
  const opts = withKindDefaults(queue, input.template.opts as Record<string, unknown>);
  return { repeat, template: { name: input.template.name, data, opts }, firstRun };
}

/**
 * The repeat options that recreate a paused definition exactly. `iterationsDone` jobs already ran (or
 * still wait to): BullMQ numbers the next job count + 1 and checks `limit` against that number.
 */
export function repeatOptionsOf(def: ScheduleDefinition, iterationsDone: number): Omit<RepeatOptions, 'key'> {
  const repeat: Omit<RepeatOptions, 'key'> = {};
  if (def.pattern) repeat.pattern = def.pattern;
  if (def.every) repeat.every = def.every;
  if (def.tz) repeat.tz = def.tz;
  if (def.startDate) repeat.startDate = def.startDate;
  if (def.endDate) repeat.endDate = def.endDate;
  if (def.limit) repeat.limit = def.limit;
  if (def.offset) repeat.offset = def.offset;
  if (iterationsDone > 0) repeat.count = iterationsDone;
  return repeat;
}

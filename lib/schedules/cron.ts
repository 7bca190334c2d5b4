// Cron patterns and time zones checked with precise messages, and the next run times of a schedule
// computed with cron-parser — the library BullMQ itself uses, so previews match what BullMQ will do.
import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';
import { describeEvery, formatInZone, zoneOffset } from './zone-format';

/** BullMQ accepts any interval; below a second a scheduler floods its queue, so the console refuses it. */
export const MIN_EVERY_MS = 1000;
export const MAX_PREVIEW_RUNS = 50;

const FIELDS_5 = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const FIELDS_6 = ['second', ...FIELDS_5] as const;
const ALIASES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly', '@minutely', '@secondly', '@weekdays', '@weekends'];

let zoneList: Set<string> | undefined;
let zoneListLower: Map<string, string> | undefined;

/** Canonical IANA names known to this runtime (what the time zone picker offers). */
export function timeZoneNames(): string[] {
  const names = Intl.supportedValuesOf('timeZone');
  // Node's list leaves out UTC itself (it lists only canonical zones); offer it first.
  return names.includes('UTC') ? names : ['UTC', ...names];
}

/** null when `tz` is a time zone Intl (and so cron-parser) knows, else a precise message. */
export function checkTimeZone(tz: string): string | null {
  zoneList ??= new Set(timeZoneNames());
  if (zoneList.has(tz)) return null;
  zoneListLower ??= new Map([...zoneList].map((z) => [z.toLowerCase(), z]));
  const differentCase = zoneListLower.get(tz.toLowerCase());
  if (differentCase) return `Unknown time zone "${tz}" (names are case-sensitive: did you mean "${differentCase}"?)`;
  try {
    // Aliases such as "US/Eastern" or "Etc/GMT+5" are valid even though they are not canonical.
    new Intl.DateTimeFormat('en', { timeZone: tz });
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return `Unknown time zone "${tz}"`;
    return null;
  } catch {
    return `Unknown time zone "${tz}"`;
  }
}

/** cron-parser's messages, said in terms of the field the user typed. */
function explain(message: string): string {
  let m = /got value (\S+) expected range (\d+)-(\d+)/.exec(message);
  if (m) return `${m[1]} is out of range ${m[2]}-${m[3]}`;
  m = /got range (\S+) expected range (\d+)-(\d+)/.exec(message);
  if (m) return /NaN/.test(m[1]) ? `incomplete range "${m[1].replace(/NaN/g, '')}"` : `range ${m[1]} is out of range ${m[2]}-${m[3]}`;
  m = /Invalid range: (\S+), min\((\d+)\) > max\((\d+)\)/.exec(message);
  if (m) return `range ${m[1]} goes backwards (${m[2]} > ${m[3]})`;
  m = /Invalid characters, got value: (.*)$/.exec(message);
  if (m) return `invalid characters in "${m[1]}"`;
  m = /cannot resolve alias "(.*)"/.exec(message);
  if (m) return `unknown name "${m[1]}"`;
  if (/cannot repeat at every (0|NaN) time/.test(message)) return 'a step (/n) must be a number ≥ 1';
  if (/Invalid list value format/.test(message)) return 'empty item in a list (",,")';
  if (/occurrence number/.test(message)) return 'the # occurrence must be 1-5';
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** null when BullMQ can run the pattern, else a message naming the wrong field. */
export function checkCronPattern(pattern: string): string | null {
  const trimmed = pattern.trim();
  if (!trimmed) return 'The cron pattern is empty';
  if (trimmed.startsWith('@')) {
    if (ALIASES.includes(trimmed.toLowerCase())) return null;
    return `Unknown shortcut "${trimmed}": use one of ${ALIASES.join(', ')}, or 5 fields (minute hour day-of-month month day-of-week) with an optional leading second`;
  }
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    return `Expected 5 or 6 fields (minute hour day-of-month month day-of-week, with an optional leading second), got ${parts.length}`;
  }
  const names = parts.length === 6 ? FIELDS_6 : FIELDS_5;
  for (let i = 0; i < parts.length; i++) {
    const probe = parts.map((p, j) => (j === i ? p : '*')).join(' ');
    try {
      CronExpressionParser.parse(probe, { tz: 'UTC' });
    } catch (err) {
      return `${names[i]} field: ${explain((err as Error).message)}`;
    }
  }
  try {
    CronExpressionParser.parse(trimmed, { tz: 'UTC' }).next();
  } catch (err) {
    const message = (err as Error).message;
    if (/explicit day of month/i.test(message)) return `day of month field: day ${parts[parts.length - 3]} never occurs in month ${parts[parts.length - 2]}`;
    return explain(message);
  }
  return null;
}

/** "At 09:00, Monday through Friday" (24-hour clock), or null when cronstrue cannot say it. */
export function describeCron(pattern: string): string | null {
  try {
    return cronstrue.toString(pattern, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return null;
  }
}

export function describeSchedule(s: { pattern?: string | null; every?: number | null }): string {
  if (s.pattern) return describeCron(s.pattern) ?? s.pattern;
  if (s.every) return describeEvery(s.every);
  return '—';
}

export type PreviewRun = {
  /** epoch ms */
  at: number;
  /** "Sun 2026-03-29 03:30:00" in the schedule's zone */
  inZone: string;
  /** UTC offset in the schedule's zone at that run, e.g. "+02:00" */
  offset: string;
  /** set when the offset differs from the previous run's: a DST (or zone rule) transition in between */
  offsetChange: { from: string; to: string } | null;
};

export type PreviewInput = {
  pattern?: string;
  every?: number;
  tz?: string;
  startDate?: number;
  endDate?: number;
  count: number;
  /** defaults to now */
  now?: number;
};

/**
 * The next `count` run times as BullMQ computes them: cron from max(now, startDate) in `tz`, bounded
 * by endDate; intervals start at once (or at startDate) and repeat every `every` ms.
 */
export function previewRuns(input: PreviewInput): PreviewRun[] {
  const now = input.now ?? Date.now();
  const count = Math.min(Math.max(1, input.count), MAX_PREVIEW_RUNS);
  const times: number[] = [];
  if (input.pattern) {
    const start = input.startDate && input.startDate > now ? input.startDate : now;
    const interval = CronExpressionParser.parse(input.pattern, {
      tz: input.tz,
      currentDate: new Date(start),
      ...(input.startDate ? { startDate: new Date(input.startDate) } : {}),
      ...(input.endDate ? { endDate: new Date(input.endDate) } : {}),
    });
    for (let i = 0; i < count; i++) {
      if (!interval.hasNext()) break;
      times.push(interval.next().getTime());
    }
  } else if (input.every) {
    let at = input.startDate && input.startDate > now ? input.startDate : now;
    for (let i = 0; i < count; i++) {
      if (input.endDate && at > input.endDate) break;
      times.push(at);
      at += input.every;
    }
  }
  let previous: string | null = null;
  return times.map((at) => {
    const offset = zoneOffset(at, input.tz);
    const run: PreviewRun = { at, inZone: formatInZone(at, input.tz), offset, offsetChange: previous !== null && previous !== offset ? { from: previous, to: offset } : null };
    previous = offset;
    return run;
  });
}

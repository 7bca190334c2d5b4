// Whether a job scheduler runs when it should: its due times between two instants (cron with a time
// zone, or every N ms) and the judgement ok / missed / late / gone. Pure: time and facts come in as
// arguments, so the watch round (watch-schedules.ts) and the tests share one definition.
import { CronExpressionParser } from 'cron-parser';

/** Missed runs are counted up to this many ("1,000+" beyond). */
export const MISSED_COUNT_CAP = 1000;

export const SCHEDULE_STATUSES = ['ok', 'missed', 'late', 'gone'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** What of a scheduler's definition decides its due times (BullMQ's JobSchedulerJson fields). */
export type DueDefinition = {
  pattern?: string;
  every?: number;
  tz?: string;
  endDate?: number;
  limit?: number;
  /** jobs produced so far, including the pending one (BullMQ's "ic") */
  iterationCount?: number;
};

/**
 * The due times d with first ≤ d ≤ to, where `first` is itself a due time (the scheduler's pending
 * run, BullMQ's `next`): intervals step by `every`, cron patterns step in their time zone (so a DST
 * change moves the UTC instants). Stops at endDate, at the limit, and after `cap` times (capped: true).
 */
export function dueTimesFrom(def: DueDefinition, first: number, to: number, cap: number, budget?: StepBudget): { times: number[]; capped: boolean } {
  const times: number[] = [];
  const end = def.endDate !== undefined ? Math.min(def.endDate, to) : to;
  // The pending run is iteration `iterationCount`; a limit allows limit − iterationCount more after it.
  const allowed = def.limit ? Math.max(0, def.limit - Math.max(1, def.iterationCount ?? 1) + 1) : Infinity;
  const max = Math.min(cap, allowed);
  if (first > end || max <= 0) return { times, capped: false };
  times.push(first);
  if (def.every) {
    for (let at = first + def.every; at <= end; at += def.every) {
      if (times.length >= max) return { times, capped: times.length >= cap };
      times.push(at);
    }
  } else if (def.pattern) {
    const interval = CronExpressionParser.parse(def.pattern, { tz: def.tz, currentDate: new Date(first) });
    while (interval.hasNext()) {
      // Cron steps cost CPU on the console's event loop: a round shares one budget; once spent, the
      // count so far is a lower bound ("N+").
      if (budget) {
        if (budget.steps <= 0) return { times, capped: true };
        budget.steps--;
      }
      const at = interval.next().getTime();
      if (at > end) break;
      if (times.length >= max) return { times, capped: times.length >= cap };
      times.push(at);
    }
  }
  return { times, capped: false };
}

/**
 * The newest `n` due times d with first ≤ d ≤ to (first being a due time, as for dueTimesFrom), oldest
 * first: for a run history after a long gap, where counting forward from `first` would stop at the cap
 * long before the gap's end. Cron patterns step backwards from `to` in their time zone. A limit is not
 * applied (the caller uses this only when the forward count was capped, not limited).
 */
export function newestDueTimes(def: DueDefinition, first: number, to: number, n: number, budget?: StepBudget): number[] {
  const end = def.endDate !== undefined ? Math.min(def.endDate, to) : to;
  if (first > end || n <= 0) return [];
  const times: number[] = [];
  if (def.every) {
    const last = first + Math.floor((end - first) / def.every) * def.every;
    for (let at = last; at >= first && times.length < n; at -= def.every) times.push(at);
  } else if (def.pattern) {
    const interval = CronExpressionParser.parse(def.pattern, { tz: def.tz, currentDate: new Date(end + 1) });
    while (times.length < n && interval.hasPrev()) {
      if (budget) {
        if (budget.steps <= 0) break;
        budget.steps--;
      }
      const at = interval.prev().getTime();
      if (at < first) break;
      if (at <= end) times.push(at);
    }
  } else {
    times.push(first);
  }
  return times.reverse();
}

/** Cron steps a watch round may still take (shared by every scheduler it judges). */
export type StepBudget = { steps: number };

/** A run's job as read from the store (payload-free). */
export type RunJob = { state: string; enqueuedAt: number | null; startedAt: number | null; finishedAt: number | null };

export type Judgement = {
  status: Exclude<ScheduleStatus, 'gone'>;
  /** runs due and not started (the pending one and those after it), capped at MISSED_COUNT_CAP */
  missedCount: number;
  missedCapped: boolean;
  /** the first missed due time */
  missedSince: number | null;
  /** how long after its due time the last run started, when that was later than allowed */
  lateByMs: number | null;
};

export type JudgeInput = {
  def: DueDefinition;
  /** BullMQ's next run (the pending job's due time); null when the scheduler has no more runs */
  next: number | null;
  /** the pending job `repeat:<id>:<next>`, or null when it is not in the store */
  pending: RunJob | null;
  /** the last settled run before `next` (from the watch history), if known */
  last?: { due: number; startedAt: number | null } | null;
};

/**
 * Whether the scheduler makes a run after `next`: not when the pending run is its last one (BullMQ
 * stops at `limit` or `endDate` and leaves `next` at the last due time, whose job may since be removed).
 */
export function hasRunAfter(def: DueDefinition, next: number): boolean {
  if (def.limit && (def.iterationCount ?? 1) >= def.limit) return false;
  if (def.endDate === undefined) return true;
  return dueTimesFrom({ ...def, endDate: undefined, limit: undefined }, next, Number.MAX_SAFE_INTEGER, 2).times[1] <= def.endDate;
}

const started = (job: RunJob | null): boolean => job !== null && (job.startedAt !== null || ['active', 'completed', 'failed'].includes(job.state));

/**
 * missed: the pending run is more than `graceMs` past due and its job has not started (workers down,
 * delayed job never promoted, job gone). late: the run started, but more than `lateAfterMs` (default:
 * the grace) after its due time. ok otherwise.
 */
export function judgeScheduler(input: JudgeInput, now: number, graceMs: number, lateAfterMs = graceMs, budget?: StepBudget): Judgement {
  const ok: Judgement = { status: 'ok', missedCount: 0, missedCapped: false, missedSince: null, lateByMs: null };
  const { next, pending } = input;
  if (next === null) return ok;
  if (started(pending)) {
    const late = pending?.startedAt !== null && pending?.startedAt !== undefined ? pending.startedAt - next : null;
    return late !== null && late > lateAfterMs ? { ...ok, status: 'late', lateByMs: late } : ok;
  }
  // The last run of a scheduler that ended (limit reached, past its end date) and whose job is no longer
  // kept ran — or was removed by hand: nothing is missed, nothing else will be due.
  if (pending === null && !hasRunAfter(input.def, next)) return ok;
  if (now > next + graceMs) {
    const { times, capped } = dueTimesFrom(input.def, next, now - graceMs, MISSED_COUNT_CAP, budget);
    return { status: 'missed', missedCount: Math.max(1, times.length), missedCapped: capped, missedSince: next, lateByMs: null };
  }
  const last = input.last;
  if (last && last.startedAt !== null && last.startedAt - last.due > lateAfterMs) return { ...ok, status: 'late', lateByMs: last.startedAt - last.due };
  return ok;
}

/** "missed 3 runs", "missed 1,000+ runs" (the "since" part is a time the page formats). */
export function describeMissed(count: number, capped: boolean): string {
  return `missed ${count.toLocaleString('en')}${capped ? '+' : ''} run${count === 1 && !capped ? '' : 's'}`;
}

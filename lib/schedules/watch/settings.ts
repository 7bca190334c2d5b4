// The schedule watch's settings (README › Schedules › Missed and late runs) and bounds.

function positive(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** How long past its due time a run may go without starting before it counts as missed (or late). */
export const scheduleGraceMs = (): number => positive('DROVER_SCHEDULE_GRACE_MS', 60_000);
/** How often the sampler's lease holder runs a watch round. */
export const scheduleWatchMs = (): number => positive('DROVER_SCHEDULE_WATCH_MS', 30_000);
/** Runs kept per scheduler. */
export const SCHEDULE_RUNS_KEPT = 50;
/** Schedulers judged per round over all connections; the rest are judged in the next rounds (rotation). */
export const MAX_WATCHED_PER_ROUND = 5000;
/** A round stops starting new queues after this long; the rest keep their last records until next round. */
export const WATCH_ROUND_BUDGET_MS = 2000;
/** Runs between two rounds looked up per scheduler (the newest); older ones are not recorded. */
export const RUNS_SETTLED_PER_ROUND = 10;
/** Unfinished runs re-read per scheduler each round. */
export const OPEN_RUNS_KEPT = 5;
/** Cron steps (next due time of a pattern) one round may compute in all, to count missed runs: a bound on its CPU time. */
export const CRON_STEPS_PER_ROUND = 20_000;
/** Run-history writes in flight at once (one transaction each on a PostgreSQL console: well under its pool). */
export const RUN_WRITES_IN_FLIGHT = 4;
/** How long a scheduler that disappeared is still reported as gone. */
export const GONE_KEPT_MS = 7 * 24 * 3600_000;

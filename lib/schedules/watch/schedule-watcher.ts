// Runs a schedule watch round after a sample when DROVER_SCHEDULE_WATCH_MS has passed since the last
// one. Only the sampler's lease holder samples, so the one lease also makes one console instance watch.
// Registered before the alert evaluator (instrumentation.ts), so a round's records are read by the
// evaluation that follows it.
import 'server-only';
import { addSampleListener } from '@/lib/metrics/sampler';
import { logger } from '@/lib/log';
import { scheduleWatchMs } from './settings';
import { watchSchedules } from './watch-schedules';

const STARTED = Symbol.for('drover.schedules.watcher');
type Holder = { [STARTED]?: () => void };

export function startScheduleWatcher(): void {
  const holder = globalThis as Holder;
  let lastRound = 0;
  holder[STARTED] ??= addSampleListener(async (result) => {
    if (result.at - lastRound < scheduleWatchMs()) return;
    lastRound = result.at;
    const report = await watchSchedules({ now: result.at });
    if (report.errors.length || report.skipped) logger.warn({ event: 'schedules.watch_round', ...report }, 'schedule watch round incomplete');
  });
}

export function stopScheduleWatcher(): void {
  const holder = globalThis as Holder;
  holder[STARTED]?.();
  delete holder[STARTED];
}

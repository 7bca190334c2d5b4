// Runs a schedule watch round after a sample when DROVER_SCHEDULE_WATCH_MS has passed since the last
// one. Only the sampler's lease holder samples, so the one lease also makes one console instance watch.
// A round runs beside the sampler's listeners, not in their chain: the alert evaluation reads the
// records of the last finished round.
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
  let running = false;
  holder[STARTED] ??= addSampleListener(async (result) => {
    if (running || result.at - lastRound < scheduleWatchMs()) return;
    lastRound = result.at;
    running = true;
    // Not awaited: the sampler's other listeners (the alert evaluation) do not wait for a round; they
    // read the records of the last finished one. One round at a time.
    void watchSchedules({ now: result.at })
      .then((report) => {
        if (report.errors.length || report.skipped) logger.warn({ event: 'schedules.watch_round', ...report }, 'schedule watch round incomplete');
      })
      .catch((err: Error) => logger.warn({ event: 'schedules.watch_failed', err: err.message }, 'schedule watch round failed'))
      .finally(() => {
        running = false;
      });
  });
}

export function stopScheduleWatcher(): void {
  const holder = globalThis as Holder;
  holder[STARTED]?.();
  delete holder[STARTED];
}

// How much slower than usual this machine is right now, for waits that must hold on a busy machine:
// the 1-minute load average per core, at least 1 (an idle or normally busy machine waits the stated
// time), at most 4. A wait's deadline is stretched by it while it waits, so a machine running another
// build beside the tests extends the wait instead of failing it; a real hang still fails.
import os from 'node:os';

const CORES = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

/**
 * The 1-minute load average per core, at least 1 and not capped: for a threshold on a wall-clock
 * duration measured by someone else (Redis's SLOWLOG), where a descheduled process simply takes as
 * many times longer as there are runnable processes per core.
 */
export function loadPerCore(): number {
  return Math.max(1, os.loadavg()[0] / CORES);
}

export function loadFactor(): number {
  const [load1] = os.loadavg();
  return Math.min(4, Math.max(1, load1 / CORES));
}

/** A deadline for `timeoutMs` from `start` that stretches with the machine's load each time it is asked. */
export function stretchingDeadline(timeoutMs: number, start = Date.now()): { passed(): boolean; waitedMs(): number; allowedMs(): number } {
  let allowed = timeoutMs;
  return {
    passed() {
      allowed = Math.max(allowed, Math.round(timeoutMs * loadFactor()));
      return Date.now() - start > allowed;
    },
    waitedMs: () => Date.now() - start,
    allowedMs: () => allowed,
  };
}

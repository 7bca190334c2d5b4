// Next.js startup hook: in the Node.js server (not the edge runtime, not during `next build`), start
// the metrics sampler, the schedule watch and the alert evaluator, one of each per process (lib/metrics, lib/alerts).
// DROVER_SAMPLER=off leaves them stopped (e.g. on a replica that should never sample).

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  if (process.env.DROVER_SAMPLER === 'off') return;
  const [{ startSampler, stopSampler }, { startAlertEvaluator }, { startScheduleWatcher }, { logger }] = await Promise.all([
    import('./lib/metrics/sampler'),
    import('./lib/alerts/evaluator'),
    import('./lib/schedules/watch/schedule-watcher'),
    import('./lib/log'),
  ]);
  try {
    // The schedule watch starts its rounds beside the alert evaluation (which reads the last finished one).
    startScheduleWatcher();
    startAlertEvaluator();
    startSampler();
    // Called by scripts/server.mjs on SIGTERM/SIGINT before it exits: the sampler releases its lease so
    // another replica samples at its next tick (instead of after the lease expires, 3 intervals later).
    (globalThis as Record<symbol, unknown>)[Symbol.for('drover.shutdown')] = () => stopSampler();
  } catch (err) {
    // No Redis configured yet, for instance: the console still serves its pages and error messages.
    logger.error({ event: 'metrics.start_failed', err: (err as Error).message }, 'metrics sampler not started');
  }
}

// Runs the alert evaluation after every sample this process takes. Only the sampler's lock holder
// samples, so the one lock also makes exactly one console instance evaluate and notify.
import 'server-only';
import { addSampleListener } from '@/lib/metrics/sampler';
import { evaluateAlerts } from './evaluate-alerts';

const STARTED = Symbol.for('drover.alerts.evaluator');
type Holder = { [STARTED]?: () => void };

export function startAlertEvaluator(): void {
  const holder = globalThis as Holder;
  holder[STARTED] ??= addSampleListener(async (result, sampler) => {
    // The sampler's id claims the deliveries; its lease is checked again before sending (fencing).
    await evaluateAlerts(result, { now: result.at, ...(sampler ? { holder: sampler.instanceId, fence: () => sampler.stillLeader() } : {}) });
  });
}

export function stopAlertEvaluator(): void {
  const holder = globalThis as Holder;
  holder[STARTED]?.();
  delete holder[STARTED];
}

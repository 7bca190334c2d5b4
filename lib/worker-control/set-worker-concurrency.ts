// Change how many jobs of a queue each Drover process runs at once, at runtime, on every process (an
// increase applies at once: the runtime wakes the worker's loop; a decrease as running jobs end), up to
// DROVER_MAX_WORKER_CONCURRENCY. Not the queue's global concurrency (queue.limits).
import 'server-only';
import type { AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from '@/lib/queues/params';
import { workerOperations as ops } from '@/lib/operations/workers';
import { InvalidError } from '@/lib/errors';
import { maxWorkerConcurrency } from './control-message';
import { queueCommand } from './queue-command';
import type { ControlResult } from './schemas';

export async function setWorkerConcurrency(ctx: AuditContext, t: QueueParams, concurrency: number | null): Promise<ControlResult> {
  const max = maxWorkerConcurrency();
  const done = concurrency === null ? `Concurrency of ${t.queue} on Drover workers back to the kind's own` : `Concurrency of ${t.queue} on Drover workers set to ${concurrency}`;
  return queueCommand(ctx, ops.setWorkerConcurrency, t, { command: 'set-concurrency', concurrency }, done, () => {
    if (concurrency !== null && concurrency > max) {
      throw new InvalidError(`Concurrency on Drover workers is limited to ${max} jobs at once per process (DROVER_MAX_WORKER_CONCURRENCY); ${concurrency} asked`, { concurrency: [`at most ${max}`] });
    }
  });
}

// Change how many jobs of a queue each Drover process runs at once, at runtime, on every process (BullMQ's
// Worker.concurrency setter: an increase applies at the worker's next fetch, within its block timeout of
// 10 s; a decrease as running jobs end). Not the queue's global concurrency (queue.limits).
import 'server-only';
import type { AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from '@/lib/queues/params';
import { workerOperations as ops } from '@/lib/operations/workers';
import { queueCommand } from './queue-command';
import type { ControlResult } from './schemas';

export function setWorkerConcurrency(ctx: AuditContext, t: QueueParams, concurrency: number | null): Promise<ControlResult> {
  const done = concurrency === null ? `Concurrency of ${t.queue} on Drover workers back to the kind's own` : `Concurrency of ${t.queue} on Drover workers set to ${concurrency}`;
  return queueCommand(ctx, ops.setWorkerConcurrency, t, { command: 'set-concurrency', concurrency }, done);
}

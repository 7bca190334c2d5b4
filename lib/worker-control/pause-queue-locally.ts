// Pause a queue on Drover's workers only: they take no new jobs of it (running ones finish); other BullMQ
// workers of the queue go on (the queue's own pause, queue.pause, stops them all).
import 'server-only';
import type { AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from '@/lib/queues/params';
import { workerOperations as ops } from '@/lib/operations/workers';
import { queueCommand } from './queue-command';
import type { ControlResult } from './schemas';

export function pauseQueueLocally(ctx: AuditContext, t: QueueParams): Promise<ControlResult> {
  return queueCommand(ctx, ops.pauseQueueLocally, t, { command: 'pause-local' }, `Queue ${t.queue} paused on Drover workers`);
}

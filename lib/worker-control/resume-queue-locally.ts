// Resume a queue paused on Drover's workers (a quiet process stays quiet).
import 'server-only';
import type { AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from '@/lib/queues/params';
import { workerOperations as ops } from '@/lib/operations/workers';
import { queueCommand } from './queue-command';
import type { ControlResult } from './schemas';

export function resumeQueueLocally(ctx: AuditContext, t: QueueParams): Promise<ControlResult> {
  return queueCommand(ctx, ops.resumeQueueLocally, t, { command: 'resume-local' }, `Queue ${t.queue} resumed on Drover workers`);
}

// Quiet one Drover process: it finishes its running jobs and takes no new ones (until unquieted).
import 'server-only';
import type { AuditContext } from '@/lib/audit/audited';
import { workerOperations as ops } from '@/lib/operations/workers';
import { processCommand } from './process-command';
import type { ControlResult, WorkerProcessParams } from './schemas';

export function quietWorker(ctx: AuditContext, t: WorkerProcessParams): Promise<ControlResult> {
  return processCommand(ctx, ops.quietWorker, 'quiet', t);
}

// Resume a quiet Drover process: it takes jobs again (its locally paused queues stay paused).
import 'server-only';
import type { AuditContext } from '@/lib/audit/audited';
import { workerOperations as ops } from '@/lib/operations/workers';
import { processCommand } from './process-command';
import type { ControlResult, WorkerProcessParams } from './schemas';

export function unquietWorker(ctx: AuditContext, t: WorkerProcessParams): Promise<ControlResult> {
  return processCommand(ctx, ops.unquietWorker, 'unquiet', t);
}

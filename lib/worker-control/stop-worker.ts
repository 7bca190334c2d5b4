// Stop one Drover process gracefully: no new jobs, the running ones finish, then it exits with
// WORKERS_STOPPED_EXIT_CODE (npm start keeps the console running; a supervisor restarts it).
import 'server-only';
import type { AuditContext } from '@/lib/audit/audited';
import { workerOperations as ops } from '@/lib/operations/workers';
import { processCommand } from './process-command';
import type { ControlResult, WorkerProcessParams } from './schemas';

export function stopWorker(ctx: AuditContext, t: WorkerProcessParams): Promise<ControlResult> {
  return processCommand(ctx, ops.stopWorker, 'stop', t);
}

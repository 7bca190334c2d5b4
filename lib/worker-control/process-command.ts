// Quiet, unquiet and stop of one Drover process: found by its live heartbeat, refused unless the caller
// is operator on every queue the process runs (a process may run queues outside a scoped operator's
// grants), audited under the operation's name, then sent and acked.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { OperationRef } from '@/lib/operations/define';
import { accessOf } from '@/lib/auth/principal';
import { roleAt, wholeConnectionRole } from '@/lib/auth/scope';
import { hasRole } from '@/lib/auth/roles';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/errors';
import { readBusyConnection } from '@/lib/workers/get-busy';
import { sendControl } from './send-control';
import type { ControlResult, WorkerProcessParams } from './schemas';

export type ProcessCommand = 'quiet' | 'unquiet' | 'stop';

const DONE: Record<ProcessCommand, string> = {
  quiet: 'quiet: it finishes its running jobs and takes no new ones',
  unquiet: 'running: it takes jobs again',
  stop: 'stopping: it finishes its running jobs and exits',
};

export async function processCommand(ctx: AuditContext, op: OperationRef, command: ProcessCommand, t: WorkerProcessParams): Promise<ControlResult> {
  // A refusal is audited with these params: the full list of lacking queues goes there, not in the message.
  const params: Record<string, unknown> = { runtimeId: t.runtimeId };
  return audited(ctx, op, { connection: t.conn, params }, async (conn) => {
    const busy = await readBusyConnection(conn);
    const process = busy.processes.find((p) => p.kind === 'drover' && p.key === t.runtimeId);
    if (!process) throw new NotFoundError(`No live Drover worker process ${t.runtimeId} on connection "${t.conn}" (it may have stopped)`);
    const access = accessOf(ctx.actor);
    // Queues the heartbeat does not list (over its cap) are unknown here: then every queue of the connection counts.
    const short = process.queuesTotal > process.queues.length ? [`(${process.queuesTotal - process.queues.length} more)`] : [];
    const operatorAt = (role: ReturnType<typeof roleAt>) => role !== null && hasRole(role, 'operator');
    const lacking = process.queues.filter((q) => !operatorAt(roleAt(access, t.conn, q)));
    const wholeOk = short.length === 0 || operatorAt(wholeConnectionRole(access, t.conn));
    if (lacking.length > 0 || !wholeOk) {
      params.lacking = [...lacking, ...short];
      // The message names only the queues the caller may see; the others are counted.
      const named = lacking.filter((q) => roleAt(access, t.conn, q) !== null);
      const hidden = lacking.length - named.length;
      const parts = [...named, ...(hidden > 0 ? [`${hidden} queue${hidden === 1 ? '' : 's'} outside your scope`] : []), ...short];
      throw new ForbiddenError(`${process.name} runs ${parts.join(', ')}: ${command} needs the operator role on every queue the process runs`);
    }
    if (!process.controllable) throw new ConflictError(`${process.name} does not accept control (an older Drover runtime, or one started with control off)`);
    const delivery = await sendControl(conn.records, { command, runtimeId: t.runtimeId, requestedBy: ctx.actor.name }, { done: (acks) => acks.some((a) => a.runtimeId === t.runtimeId) });
    const own = delivery.acks.find((a) => a.runtimeId === t.runtimeId);
    const message = own?.applied
      ? `${process.name} is ${DONE[command]}`
      : own
        ? `${process.name} did not apply ${command}: ${own.message}`
        : `${process.name} did not confirm ${command} within the wait (${delivery.acks.length} of ${delivery.listeners} listening processes answered)`;
    return {
      result: { message, listeners: delivery.listeners, applied: delivery.applied.length, acks: delivery.acks },
      details: { worker: process.name, applied: own?.applied ?? false },
    };
  });
}

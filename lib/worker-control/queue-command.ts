// A queue's Drover workers, on every process: the setting is stored first (processes started later
// apply it at start), then sent to the running ones, audited under the operation's name.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { OperationRef } from '@/lib/operations/define';
import type { QueueParams } from '@/lib/queues/params';
import { parseWorkerSetting, type WorkerSetting } from './control-message';
import { appliedBy, sendControl } from './send-control';
import type { ControlResult } from './schemas';

type QueueCommand = { command: 'set-concurrency'; concurrency: number | null } | { command: 'pause-local' | 'resume-local' };

export async function queueCommand(ctx: AuditContext, op: OperationRef, t: QueueParams, change: QueueCommand, done: string): Promise<ControlResult> {
  const details = change.command === 'set-concurrency' ? { concurrency: change.concurrency } : undefined;
  return audited(ctx, op, { connection: t.conn, queue: t.queue, params: details }, async (conn) => {
    const records = conn.records;
    const stored = parseWorkerSetting((await records.workerSettings([t.queue])).get(t.queue) ?? '{}');
    const next: WorkerSetting = { ...stored };
    if (change.command === 'set-concurrency') {
      if (change.concurrency === null) delete next.concurrency;
      else next.concurrency = change.concurrency;
    } else if (change.command === 'pause-local') next.pausedLocally = true;
    else delete next.pausedLocally;
    await records.setWorkerSetting(t.queue, Object.keys(next).length > 0 ? JSON.stringify(next) : null);
    const delivery = await sendControl(records, { ...change, queue: t.queue, requestedBy: ctx.actor.name });
    return {
      result: { message: `${done}: ${appliedBy(delivery)}`, listeners: delivery.listeners, applied: delivery.applied.length, acks: delivery.acks },
      details: { listeners: delivery.listeners, applied: delivery.applied.length },
    };
  });
}

// A queue's Drover workers, on every process: the setting is stored first (processes started later
// apply it at start), then sent to the running ones — each re-reads the queue's stored setting on the
// message, so a lost or late message is made good by the next one — audited under the operation's name.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { OperationRef } from '@/lib/operations/define';
import type { QueueParams } from '@/lib/queues/params';
import { ConflictError } from '@/lib/errors';
import { appliedBy, sendControl } from './send-control';
import { assertWorkerQueueKnown } from './assert-worker-queue';
import { WORKER_SETTINGS_MAX_QUEUES } from './control-message';
import type { ControlResult } from './schemas';

type QueueCommand = { command: 'set-concurrency'; concurrency: number | null } | { command: 'pause-local' | 'resume-local' };

/**
 * `check` runs first inside the audit (a refusal it throws is audited); then the queue must be one the
 * connection knows (assertWorkerQueueKnown) and the settings store must have room for it.
 */
export async function queueCommand(ctx: AuditContext, op: OperationRef, t: QueueParams, change: QueueCommand, done: string, check?: () => void): Promise<ControlResult> {
  const details = change.command === 'set-concurrency' ? { concurrency: change.concurrency } : undefined;
  return audited(ctx, op, { connection: t.conn, queue: t.queue, params: details }, async (conn) => {
    check?.();
    await assertWorkerQueueKnown(conn, t.queue);
    const records = conn.records;
    // One atomic write of the field this command changes (another console may be changing the other).
    const stored = await records.updateWorkerSetting(t.queue, change.command === 'set-concurrency' ? { concurrency: change.concurrency } : { pausedLocally: change.command === 'pause-local' ? true : null });
    if (!stored) {
      throw new ConflictError(
        `Worker settings are kept for at most ${WORKER_SETTINGS_MAX_QUEUES.toLocaleString('en-US')} queues per connection and "${t.conn}" has that many: clear the concurrency or local pause of a queue that no longer needs one first`,
      );
    }
    const delivery = await sendControl(records, { ...change, queue: t.queue, requestedBy: ctx.actor.name });
    return {
      result: { message: `${done}: ${appliedBy(delivery)}`, listeners: delivery.listeners, applied: delivery.applied.length, acks: delivery.acks },
      details: { listeners: delivery.listeners, applied: delivery.applied.length },
    };
  });
}

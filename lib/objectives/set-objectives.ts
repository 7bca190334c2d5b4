// Operators set a queue's objectives (Drover's own data: a read-only connection may have them).
// A queue the config file gives objectives is locked: changing it here is a conflict (409).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { getConnection } from '@/lib/redis/connections';
import { queueOperations as ops } from '@/lib/operations/queues';
import { objectiveStore } from '@/lib/store/console/objectives';
import { assertQueueExists } from '@/lib/queues/assert-queue-exists';
import { ConflictError } from '@/lib/errors';
import { OBJECTIVE_LIMITS, objectiveScope, type QueueObjectives } from './objective';
import { assertNotInConfig } from './config-objectives';

export async function setObjectives(ctx: AuditContext, target: { conn: string; queue: string }, objectives: QueueObjectives): Promise<{ message: string; objectives: QueueObjectives }> {
  return audited(ctx, ops.setObjectives, { connection: target.conn, queue: target.queue, params: { ...objectives }, writes: 'console' }, async () => {
    assertNotInConfig(target.conn, target.queue);
    await assertQueueExists(getConnection(target.conn), target.queue);
    const scope = objectiveScope(target.conn, target.queue);
    // Made-up queue names cannot grow the console store past the bound (checked and written at once:
    // parallel saves cannot pass it together).
    if (!(await objectiveStore().saveWithin(scope, JSON.stringify(objectives), OBJECTIVE_LIMITS.storedQueues))) {
      throw new ConflictError(`At most ${OBJECTIVE_LIMITS.storedQueues.toLocaleString('en-US')} queues may have objectives set in the console; clear those of one first`);
    }
    return { result: { message: `${target.queue}: objectives set`, objectives } };
  });
}

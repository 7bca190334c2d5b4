// Operators clear a queue's objectives set in the console (its status goes with them). A queue with none
// stored is a 404 (audited as refused), not "cleared".
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { queueOperations as ops } from '@/lib/operations/queues';
import { objectiveStore } from '@/lib/store/console/objectives';
import { objectiveScope } from './objective';
import { assertNotInConfig } from './config-objectives';
import { NotFoundError } from '@/lib/errors';

export async function clearObjectives(ctx: AuditContext, target: { conn: string; queue: string }): Promise<{ message: string }> {
  return audited(ctx, ops.clearObjectives, { connection: target.conn, queue: target.queue, writes: 'console' }, async () => {
    assertNotInConfig(target.conn, target.queue);
    if (!(await objectiveStore().write(objectiveScope(target.conn, target.queue), null))) throw new NotFoundError(`${target.queue} has no objectives set in the console`);
    return { result: { message: `${target.queue}: objectives cleared` } };
  });
}

// Operators clear a queue's objectives set in the console (its status goes with them). A queue with none
// stored is a 404 (audited as refused), not "cleared". Objectives left by a connection the config file no
// longer names are not measured, but still count against the store's bound: an admin clears them (the
// queue-level grants that would let an operator do it cannot be checked against a connection that is gone).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { queueOperations as ops } from '@/lib/operations/queues';
import { objectiveStore } from '@/lib/store/console/objectives';
import { listConnections } from '@/lib/redis/connections';
import { hasRole } from '@/lib/auth/roles';
import { objectiveScope } from './objective';
import { assertNotInConfig } from './config-objectives';
import { ForbiddenError, NotFoundError } from '@/lib/errors';

export async function clearObjectives(ctx: AuditContext, target: { conn: string; queue: string }): Promise<{ message: string }> {
  return audited(ctx, ops.clearObjectives, { connection: target.conn, queue: target.queue, writes: 'console' }, async () => {
    if (listConnections().some((c) => c.name === target.conn)) assertNotInConfig(target.conn, target.queue);
    else if (!hasRole(ctx.actor.role, 'admin')) {
      throw new ForbiddenError(`Connection "${target.conn}" is not configured (any more): clearing objectives it left in the console store needs the admin role; you are ${ctx.actor.role}`);
    }
    if (!(await objectiveStore().write(objectiveScope(target.conn, target.queue), null))) throw new NotFoundError(`${target.queue} has no objectives set in the console`);
    return { result: { message: `${target.queue}: objectives cleared` } };
  });
}

// Admins set a connection's or a queue's links out (Drover's own data: a read-only connection may have
// links too). The audit entry names how many templates and their labels, not their URLs (bounded).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { getConnection } from '@/lib/redis/connections';
import { linksOperations as ops } from '@/lib/operations/links';
import { linkScope, linkStore } from '@/lib/store/console/links';
import type { SetLinksInput } from './schemas';
import { assertQueueExists } from '@/lib/queues/assert-queue-exists';
import { ConflictError } from '@/lib/errors';
import { LINK_LIMITS } from './link-template';

export async function setLinks(ctx: AuditContext, target: { conn: string; queue?: string }, input: SetLinksInput): Promise<{ message: string; templates: number }> {
  const op = target.queue === undefined ? ops.setConnectionLinks : ops.setQueueLinks;
  const params = { templates: input.templates.length, labels: input.templates.map((t) => t.label) };
  return audited(ctx, op, { connection: target.conn, queue: target.queue, params, writes: 'console' }, async () => {
    const conn = getConnection(target.conn);
    const n = input.templates.length;
    const scope = linkScope(target.conn, target.queue);
    if (n > 0) {
      // Links for a queue that exists (or the config names), and a bounded number of queues with links:
      // made-up queue names cannot grow the console store. Removing ([]) works for a queue gone since.
      if (target.queue !== undefined) await assertQueueExists(conn, target.queue);
      const { has, scopes } = await linkStore().stored(scope);
      if (!has && scopes >= LINK_LIMITS.storedQueues) {
        throw new ConflictError(`At most ${LINK_LIMITS.storedQueues.toLocaleString('en-US')} queues and connections may have links set in the console; remove the links of one first`);
      }
    }
    await linkStore().write(scope, n === 0 ? null : JSON.stringify(input.templates));
    const where = target.queue === undefined ? `connection ${target.conn}` : `${target.queue}`;
    return { result: { message: n === 0 ? `${where}: no links` : `${where}: ${n} link${n === 1 ? '' : 's'}`, templates: n } };
  });
}

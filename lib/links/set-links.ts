// Admins set a connection's or a queue's links out (Drover's own data: a read-only connection may have
// links too). The audit entry names how many templates and their labels, not their URLs (bounded).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { getConnection } from '@/lib/redis/connections';
import { linksOperations as ops } from '@/lib/operations/links';
import { linkScope, linkStore } from '@/lib/store/console/links';
import type { SetLinksInput } from './schemas';

export async function setLinks(ctx: AuditContext, target: { conn: string; queue?: string }, input: SetLinksInput): Promise<{ message: string; templates: number }> {
  const op = target.queue === undefined ? ops.setConnectionLinks : ops.setQueueLinks;
  const params = { templates: input.templates.length, labels: input.templates.map((t) => t.label) };
  return audited(ctx, op, { connection: target.conn, queue: target.queue, params, writes: 'console' }, async () => {
    getConnection(target.conn);
    const n = input.templates.length;
    await linkStore().write(linkScope(target.conn, target.queue), n === 0 ? null : JSON.stringify(input.templates));
    const where = target.queue === undefined ? `connection ${target.conn}` : `${target.queue}`;
    return { result: { message: n === 0 ? `${where}: no links` : `${where}: ${n} link${n === 1 ? '' : 's'}`, templates: n } };
  });
}

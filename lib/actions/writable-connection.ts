// The first lines of every mutation: the role, a known connection, not read-only, and (for generic job
// and queue actions) not the dead-letter queue, which changes only through its own requeue/purge.
import 'server-only';
import type { AuditContext } from '@/lib/audit/audited';
import { assertRole } from '@/lib/auth/assert-role';
import type { Role } from '@/lib/auth/roles';
import { getConnection, type Connection } from '@/lib/redis/connections';
import { assertNotDeadLetterQueue } from './not-dead-letter-queue';

export function writableConnection(ctx: AuditContext, connName: string, opts: { role?: Role; notDeadLetterQueue?: string } = {}): Connection {
  assertRole(ctx.actor, opts.role ?? 'operator');
  const conn = getConnection(connName);
  conn.assertWritable();
  if (opts.notDeadLetterQueue !== undefined) assertNotDeadLetterQueue(conn, opts.notDeadLetterQueue);
  return conn;
}

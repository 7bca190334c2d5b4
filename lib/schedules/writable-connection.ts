// The first lines of every schedule mutation: operator role, known connection, not read-only.
import 'server-only';
import type { AuditContext } from '@/lib/audit/audited';
import { assertRole } from '@/lib/auth/assert-role';
import { getConnection, type Connection } from '@/lib/redis/connections';

export function writableConnection(ctx: AuditContext, connName: string): Connection {
  assertRole(ctx.actor, 'operator');
  const conn = getConnection(connName);
  conn.assertWritable();
  return conn;
}

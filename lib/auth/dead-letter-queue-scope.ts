// The dead-letter queue as an ordinary queue (its jobs list, a job's data, counts, events, metrics) holds
// the dead letters of every queue of its connection: a caller with grants must not read through it what
// the DLQ's own routes hide (README › Team scopes › Dead letters within a scope). On it, such a caller
// holds only the role it holds on every queue of the connection.
import { getConfig } from '@/lib/config/get-config';
import { ConfigError } from '@/lib/config/load-config';
import { hasRole, type Role } from './roles';
import { isUnscoped, wholeConnectionRole, type Access } from './scope';

/** True when `queue` is the configured dead-letter queue of connection `conn` (no connection configured: none is). */
export function isDeadLetterQueueOf(conn: string, queue: string): boolean {
  let connections;
  try {
    connections = getConfig().connections;
  } catch (err) {
    if (err instanceof ConfigError) return false;
    throw err;
  }
  return connections.find((c) => c.name === conn)?.deadLetterQueue === queue;
}

/** `role` (the role on the queue by the grants) capped, on a connection's DLQ queue, at the role held on every queue of it. */
export function capOnDeadLetterQueue(access: Access, conn: string, queue: string, role: Role | null): Role | null {
  if (!role || isUnscoped(access) || !isDeadLetterQueueOf(conn, queue)) return role;
  const whole = wholeConnectionRole(access, conn);
  if (!whole) return null;
  return hasRole(whole, role) ? role : whole;
}

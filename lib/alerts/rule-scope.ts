// Team scopes on alert rules (README › Team scopes): which rules a caller may see and manage, and which
// firing alerts and history entries it may read. A rule is about its target queue(s): managing it needs
// the admin role on that queue; a rule without a specific queue (every queue of a connection, a
// connection-wide kind) needs admin on every queue of the connection; a rule on every connection needs
// the global admin role with no grant narrowing it on any configured connection.
import 'server-only';
import { isUnscoped, mayReachConnection, roleAt, wholeConnectionRole, type Access } from '@/lib/auth/scope';
import { hasRole } from '@/lib/auth/roles';
import { capOnDeadLetterQueue } from '@/lib/auth/dead-letter-queue-scope';
import { connectionNotFound, queueNotFound } from '@/lib/auth/authorize';
import { ForbiddenError, OutOfScopeError } from '@/lib/errors';
import { listConnections } from '@/lib/redis/connections';
import type { AlertRule } from './rule';

type Target = Pick<AlertRule, 'connection' | 'queue'>;

function adminOfConnection(access: Access, conn: string): boolean {
  return wholeConnectionRole(access, conn) === 'admin';
}

/** True when `access` may see and manage the rule (always, for an unscoped admin). */
export function mayManageRule(access: Access, rule: Target): boolean {
  if (isUnscoped(access)) return access.global !== null && hasRole(access.global, 'admin');
  if (rule.connection === null) return access.global === 'admin' && listConnections().every((c) => adminOfConnection(access, c.name));
  if (rule.queue === null) return adminOfConnection(access, rule.connection);
  return capOnDeadLetterQueue(access, rule.connection, rule.queue, roleAt(access, rule.connection, rule.queue)) === 'admin';
}

/**
 * Refuses a rule target the caller may not manage, before anything is written: a queue or connection it
 * cannot see answers 404 like one that does not exist (names do not leak); one it sees with a lower role
 * answers 403.
 */
export function assertMayTarget(access: Access, rule: Target): void {
  if (mayManageRule(access, rule)) return;
  if (rule.connection !== null && !mayReachConnection(access, rule.connection)) throw connectionNotFound(rule.connection);
  if (rule.connection !== null && rule.queue !== null && capOnDeadLetterQueue(access, rule.connection, rule.queue, roleAt(access, rule.connection, rule.queue)) === null) throw queueNotFound(rule.connection, rule.queue);
  const what = rule.connection === null ? 'every connection' : rule.queue === null ? `every queue of connection "${rule.connection}"` : `queue "${rule.queue}"`;
  throw new ForbiddenError(`An alert rule on ${what} needs the admin role there`);
}

/** The answer for a rule the caller may not manage: exactly the one for an unknown id. */
export function ruleNotFound(id: string): OutOfScopeError {
  return new OutOfScopeError(`No alert rule with id ${id}`);
}

/**
 * True when a firing alert's target may be shown to `access` (the banner, every role): a queue it can
 * see, or for a connection-wide alert a connection where it sees some queue.
 */
export function maySeeTarget(access: Access, connection: string, queue: string | null): boolean {
  if (isUnscoped(access)) return access.global !== null;
  return queue === null ? mayReachConnection(access, connection) : capOnDeadLetterQueue(access, connection, queue, roleAt(access, connection, queue)) !== null;
}

/** A history entry's target ("main/emails" or "main") as a rule target. */
export function parseHistoryTarget(target: string): Target {
  const slash = target.indexOf('/');
  return slash === -1 ? { connection: target, queue: null } : { connection: target.slice(0, slash), queue: target.slice(slash + 1) };
}

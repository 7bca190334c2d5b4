// The one place an operation's caller is checked against the operation (README › Team scopes): the role
// gate, the caller's scope on the operation's queue or connection, and the permission matrix. The HTTP
// wrapper, the server-action wrapper and the pages' reads all call it, so no door differs.
import { ForbiddenError, OutOfScopeError, UnauthorizedError } from '@/lib/errors';
import type { OperationScope } from '@/lib/operations/define';
import { accessOf, type Principal } from './principal';
import { hasRole, type Role } from './roles';
import { highestRoleOn, mayReachConnection, roleAt, wholeConnectionRole } from './scope';
import { withheldFrom } from './permissions';
import { capOnDeadLetterQueue } from './dead-letter-queue-scope';

type Target = { conn?: unknown; queue?: unknown; id?: unknown };

/** What an operation declares that authorization reads. */
export type AuthorizedOperation = { name: string; role: Role; scope: OperationScope };

/** The answer for a queue the caller may not see: the same as for a queue that does not exist. */
export function queueNotFound(conn: string, queue: string, id?: string): OutOfScopeError {
  return id !== undefined
    ? new OutOfScopeError(`Job ${id} not found in queue "${queue}" (it may have been removed)`)
    : new OutOfScopeError(`Queue "${queue}" not found on connection "${conn}"`);
}

export function connectionNotFound(conn: string): OutOfScopeError {
  return new OutOfScopeError(`Unknown connection "${conn}"`);
}

/**
 * Checks `principal` may run the operation on `params` (already validated) and returns the principal
 * the operation runs as: for a queue operation, with `role` narrowed to the role held on that queue,
 * so the operation's own checks (escalations, per-job rules) and its audit entry see that role.
 * Throws 401, 404 (a queue or connection outside the caller's scope: it does not exist for them) or
 * 403 (in scope, role too low, or the operation withheld from that role).
 */
export async function authorize(principal: Principal | null, op: AuthorizedOperation, params: unknown): Promise<Principal> {
  if (!principal) throw new UnauthorizedError();
  const access = accessOf(principal);
  const target = (params ?? {}) as Target;
  const conn = typeof target.conn === 'string' ? target.conn : undefined;
  const queue = typeof target.queue === 'string' ? target.queue : undefined;
  const id = typeof target.id === 'string' ? target.id : undefined;
  let role: Role | null;
  switch (op.scope) {
    case 'queue':
      if (conn === undefined || queue === undefined) throw new Error(`operation ${op.name} is about a queue but has no conn/queue parameters`);
      role = capOnDeadLetterQueue(access, conn, queue, roleAt(access, conn, queue));
      if (!role) throw queueNotFound(conn, queue, id);
      break;
    case 'connection':
      if (conn === undefined) throw new Error(`operation ${op.name} is about a connection but has no conn parameter`);
      role = highestRoleOn(access, conn);
      if (!role) throw connectionNotFound(conn);
      break;
    case 'whole-connection':
      if (conn === undefined) throw new Error(`operation ${op.name} is about a connection but has no conn parameter`);
      if (!mayReachConnection(access, conn)) throw connectionNotFound(conn);
      role = wholeConnectionRole(access, conn);
      if (!role || !hasRole(role, op.role)) {
        throw new ForbiddenError(`This acts on every queue of connection "${conn}" and needs the ${op.role} role on all of them; you ${role ? `are ${role} there` : 'have no role on some of them'}`);
      }
      break;
    case 'global':
      role = access.global;
      if (!role || !hasRole(role, op.role)) {
        throw new ForbiddenError(`This needs the ${op.role} role on the whole console; you are ${role ?? 'not given a global role'}${access.grants.length ? ' (your grants name some queues only)' : ''}`);
      }
      break;
    case 'filtered':
    case 'self':
      // the highest role held anywhere (principalWithAccess sets it): the operation keeps only what is in scope
      role = principal.role;
      break;
  }
  if (!hasRole(role, op.role)) throw new ForbiddenError(`This needs the ${op.role} role; you are ${role}${conn && queue ? ` on queue "${queue}"` : ''}`);
  if (await withheldFrom(op.name, role)) {
    throw new ForbiddenError(`An admin has withheld ${op.name} from the ${role} role (Users & tokens › Permissions)`);
  }
  return role === principal.role ? principal : { ...principal, role };
}

import type { Role } from './roles';
import { highestRole, type Access } from './scope';

/** Who is acting: a signed-in user, an API token, or the local CLI. */
export type Principal = {
  kind: 'session' | 'token' | 'cli';
  /** email for users, token id for tokens */
  id: string;
  /** what the audit log shows: the email, or "token:<name>" */
  name: string;
  /**
   * The role an operation's first gate checks. For a principal with grants (README › Team scopes) the
   * operation wrappers narrow it to the role held on the operation's queue; before that, and for
   * operations over many queues, it is the highest role held anywhere.
   */
  role: Role;
  /** a signed-in user's session id (revocable: lib/auth/sessions.ts) */
  sessionId?: string;
  /** The global role and grants (lib/auth/scope.ts); absent: `role` on every queue (the CLI, tests). */
  access?: Access;
};

/** What the principal may reach: its grants, or its role everywhere. */
export function accessOf(principal: Principal): Access {
  return principal.access ?? { global: principal.role, grants: [] };
}

/** The principal of an account with a global role (possibly none) and grants. */
export function principalWithAccess(base: Omit<Principal, 'role' | 'access'>, access: Access): Principal {
  return { ...base, role: highestRole(access) ?? 'viewer', access };
}

// Team scopes (README › Team scopes): what a principal may see and do, queue by queue. A user or API
// token has a global role (which may be "none") and grants: a connection pattern, a queue pattern and a
// role. For one queue, the most specific matching grant decides; with none matching, the global role.
// Pure: no store, no server-only (forms, the CLI and the tests use it too).
import { z } from 'zod';
import { ROLES, hasRole, type Role } from './roles';

/** A role a grant or an account can hold: one of the roles, or "none" (sees nothing there). */
export const ACCESS_ROLES = ['none', ...ROLES] as const;
export const accessRoleSchema = z.enum(ACCESS_ROLES);
export type AccessRole = z.infer<typeof accessRoleSchema>;

/** `*` any characters, `?` one; everything else literal (queue names are case-sensitive). */
export const patternSchema = z
  .string()
  .trim()
  .min(1, 'a pattern is required (use * for every one)')
  .max(200, 'a pattern is at most 200 characters')
  .regex(/^\P{Cc}*$/u, 'a pattern must not contain control characters');

export const grantSchema = z
  .object({
    connection: patternSchema.default('*'),
    queue: patternSchema.default('*'),
    role: accessRoleSchema,
  })
  .strict();
export type Grant = z.infer<typeof grantSchema>;

/** At most this many grants per user or token (each request matches them against every queue it shows). */
export const MAX_GRANTS = 50;
export const grantsSchema = z.array(grantSchema).max(MAX_GRANTS, `at most ${MAX_GRANTS} grants`);

/** What a principal may reach: the global role (null: none) and its grants (empty: the global role everywhere). */
export type Access = { global: Role | null; grants: Grant[] };

type Compiled = { grant: Grant; conn: RegExp; queue: RegExp; queueRank: number; connRank: number };
const compiledCache = new WeakMap<Grant[], Compiled[]>();

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/** How specific a pattern is: an exact name beats any glob; among globs, more literal characters win. */
function rankOf(pattern: string): number {
  const literal = pattern.replace(/[*?]/g, '').length;
  return /[*?]/.test(pattern) ? literal : 1_000_000 + literal;
}

function compile(grants: Grant[]): Compiled[] {
  let compiled = compiledCache.get(grants);
  if (!compiled) {
    compiled = grants.map((grant) => ({ grant, conn: globToRegExp(grant.connection), queue: globToRegExp(grant.queue), queueRank: rankOf(grant.queue), connRank: rankOf(grant.connection) }));
    compiledCache.set(grants, compiled);
  }
  return compiled;
}

const ORDER: Record<AccessRole, number> = { none: 0, viewer: 1, operator: 2, admin: 3 };

function asRole(role: AccessRole): Role | null {
  return role === 'none' ? null : role;
}

/** The more specific of two grants (queue pattern first, then connection); on a tie, the lesser role. */
function moreSpecific(a: Compiled, b: Compiled): Compiled {
  if (a.queueRank !== b.queueRank) return a.queueRank > b.queueRank ? a : b;
  if (a.connRank !== b.connRank) return a.connRank > b.connRank ? a : b;
  return ORDER[a.grant.role] <= ORDER[b.grant.role] ? a : b;
}

/** The role `access` holds on one queue of one connection, or null when it may not see it. */
export function roleAt(access: Access, conn: string, queue: string): Role | null {
  if (access.grants.length === 0) return access.global;
  let best: Compiled | null = null;
  for (const c of compile(access.grants)) {
    if (!c.conn.test(conn) || !c.queue.test(queue)) continue;
    best = best ? moreSpecific(best, c) : c;
  }
  return best ? asRole(best.grant.role) : access.global;
}

/** True when `access` has the same role on every queue of every connection (no filtering needed). */
export function isUnscoped(access: Access): boolean {
  return access.grants.length === 0;
}

/** The highest role `access` holds anywhere (what an operation's first gate checks), or null. */
export function highestRole(access: Access): Role | null {
  let best: Role | null = access.global;
  for (const g of access.grants) {
    const role = asRole(g.role);
    if (role && (!best || ORDER[role] > ORDER[best])) best = role;
  }
  return best;
}

/**
 * The role `access` holds on every queue of a connection (what a connection-wide action such as
 * "pause all" needs), or null: the lowest of the role a queue without a narrower grant gets and every
 * narrower grant's role on that connection.
 */
export function wholeConnectionRole(access: Access, conn: string): Role | null {
  if (access.grants.length === 0) return access.global;
  let lowest = baseRoleOn(access, conn);
  for (const c of compile(access.grants)) {
    if (!lowest) return null;
    if (c.grant.queue === '*' || !c.conn.test(conn)) continue;
    const role = asRole(c.grant.role);
    if (!role) return null;
    if (ORDER[role] < ORDER[lowest]) lowest = role;
  }
  return lowest;
}

/** The role of a queue of `conn` that no narrower grant names: its `*` grants', else the global role. */
function baseRoleOn(access: Access, conn: string): Role | null {
  let base: Compiled | null = null;
  for (const c of compile(access.grants)) if (c.grant.queue === '*' && c.conn.test(conn)) base = base ? moreSpecific(base, c) : c;
  return base ? asRole(base.grant.role) : access.global;
}

/** The highest role `access` holds on some queue of one connection, or null when it reaches none. */
export function highestRoleOn(access: Access, conn: string): Role | null {
  if (access.grants.length === 0) return access.global;
  let best = baseRoleOn(access, conn);
  const compiled = compile(access.grants);
  for (const c of compiled) {
    const role = asRole(c.grant.role);
    if (!role || c.grant.queue === '*' || !c.conn.test(conn) || (best && ORDER[role] <= ORDER[best])) continue;
    // A grant that another one on the same queue pattern overrides on this connection decides no queue here.
    if (compiled.some((d) => d !== c && d.grant.queue === c.grant.queue && d.conn.test(conn) && moreSpecific(c, d) === d)) continue;
    best = role;
  }
  return best;
}

/** True when some queue of the connection may be visible to `access` (the connection itself is then not secret). */
export function mayReachConnection(access: Access, conn: string): boolean {
  return highestRoleOn(access, conn) !== null;
}

/** True when `access` holds at least `required` on the queue. */
export function canAt(access: Access, conn: string, queue: string, required: Role): boolean {
  const role = roleAt(access, conn, queue);
  return role !== null && hasRole(role, required);
}

/** A one-line description of a grant, for lists, the CLI and audit messages. */
export function describeGrant(g: Grant): string {
  return `${g.role} on ${g.connection}/${g.queue}`;
}

/**
 * Parses "role@connection/queue" (the CLI's and the form's short form), e.g. "operator@main/billing-*";
 * "role@queue" means every connection.
 */
export function parseGrantText(text: string): Grant {
  const match = /^\s*(\w+)\s*@\s*(.+?)\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a grant: write role@connection/queue, e.g. operator@*/billing-*`);
  const [, role, target] = match;
  const slash = target.indexOf('/');
  const raw = slash === -1 ? { connection: '*', queue: target, role } : { connection: target.slice(0, slash), queue: target.slice(slash + 1), role };
  const parsed = grantSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`"${text}": ${parsed.error.issues.map((i) => `${i.path.join('.') || 'grant'} ${i.message}`).join('; ')}`);
  return parsed.data;
}

// Console users: one JSON record per email in the console store (lib/store/console/users.ts).
import type { AccessRole, Grant } from './scope';
import 'server-only';
import { ConflictError, InvalidError, NotFoundError } from '@/lib/errors';
import { usersStore, type SessionsToEnd } from '@/lib/store/console/users';
import { getDummyHash, hashPassword, needsRehash, verifyPassword } from './password';
import { logger } from '@/lib/log';
import { emailSchema, passwordSchema, toPublicUser, userRecordSchema, type PublicUser, type UserRecord } from './user-schema';

function parseRecord(raw: string | null): UserRecord | null {
  if (!raw) return null;
  const parsed = userRecordSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

function normalizeEmail(email: string): string {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) throw new InvalidError(`Invalid email: ${parsed.error.issues[0].message}`, { email: [parsed.error.issues[0].message] });
  return parsed.data;
}

function checkPassword(password: string): void {
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) throw new InvalidError(parsed.error.issues[0].message, { password: [parsed.error.issues[0].message] });
}

export async function getUser(email: string): Promise<UserRecord | null> {
  const key = emailSchema.safeParse(email);
  if (!key.success) return null;
  return parseRecord(await usersStore().get(key.data));
}

export async function listUsers(): Promise<PublicUser[]> {
  return (await usersStore().list())
    .map((raw) => parseRecord(raw))
    .filter((u): u is UserRecord => u !== null)
    .map(toPublicUser)
    .sort((a, b) => a.email.localeCompare(b.email));
}

export async function countUsers(): Promise<number> {
  return usersStore().count();
}

export async function createUser(input: { email: string; password: string; role: AccessRole; grants?: Grant[]; name?: string }): Promise<PublicUser> {
  const email = normalizeEmail(input.email);
  checkPassword(input.password);
  const now = Date.now();
  const record: UserRecord = {
    email,
    name: input.name,
    role: input.role,
    ...(input.grants?.length ? { grants: input.grants } : {}),
    passwordHash: await hashPassword(input.password),
    source: 'local',
    createdAt: now,
    updatedAt: now,
  };
  const created = await usersStore().create(email, JSON.stringify(record));
  if (!created) throw new ConflictError(`A user with email ${email} already exists`);
  return toPublicUser(record);
}

/**
 * Changes the user and ends their sessions together (one MULTI on Redis, one transaction on
 * PostgreSQL), so a changed role or password applies at once.
 * Returns the new record and, when one session was kept, how many others ended.
 */
async function updateUser(email: string, change: (u: UserRecord) => UserRecord, end: SessionsToEnd = { all: true }): Promise<{ user: UserRecord; previous: UserRecord; otherSessionsEnded?: number }> {
  const key = normalizeEmail(email);
  const current = await getUser(key);
  if (!current) throw new NotFoundError(`No user with email ${key}`);
  const next = { ...change(current), updatedAt: Date.now() };
  const ended = await usersStore().put(key, JSON.stringify(next), end);
  if ('allBut' in end) return { user: next, previous: current, otherSessionsEnded: ended };
  return { user: next, previous: current };
}

async function isLastAdmin(email: string): Promise<boolean> {
  const admins = (await listUsers()).filter((u) => u.role === 'admin');
  return admins.length === 1 && admins[0].email === email;
}

async function assertNotLastAdmin(email: string): Promise<void> {
  if (await isLastAdmin(email)) {
    throw new ConflictError('This is the only admin: make another user admin first');
  }
}

/** The user with their new role, and the role they had (for the audit entry). */
export async function setUserRole(email: string, role: AccessRole): Promise<{ user: PublicUser; previousRole: AccessRole }> {
  const key = normalizeEmail(email);
  if (role !== 'admin') await assertNotLastAdmin(key);
  const { user, previous } = await updateUser(key, (u) => ({ ...u, role }));
  return { user: toPublicUser(user), previousRole: previous.role };
}

/**
 * The user with new grants (replacing all of theirs; [] removes them), and the grants they had. Their
 * sessions go on: the guard reads the record on every request, so the next one uses the new grants.
 */
export async function setUserGrants(email: string, grants: Grant[]): Promise<{ user: PublicUser; previousGrants: Grant[] }> {
  const { user, previous } = await updateUser(email, (u) => withGrants(u, grants), { none: true });
  return { user: toPublicUser(user), previousGrants: previous.grants ?? [] };
}

function withGrants(u: UserRecord, grants: Grant[]): UserRecord {
  const { grants: _old, ...rest } = u;
  return grants.length ? { ...rest, grants } : rest;
}

/**
 * What single sign-on says an OIDC user holds (lib/auth/oidc-groups.ts), written over what the last
 * sign-in set; sessions go on (the guard reads the record on every request). Returns the record before
 * and after, or null when the user is not an OIDC user or nothing changed.
 */
export async function setOidcAccess(email: string, access: { role: AccessRole; grants: Grant[] }): Promise<{ previous: UserRecord; user: UserRecord } | null> {
  const current = await getUser(email);
  if (!current || current.source !== 'oidc') return null;
  // The last global admin keeps that role (as setUserRole refuses): a sign-in cannot lock every admin out.
  const role = current.role === 'admin' && access.role !== 'admin' && (await isLastAdmin(current.email)) ? 'admin' : access.role;
  if (current.role === role && sameGrants(current.grants ?? [], access.grants)) return null;
  const { user, previous } = await updateUser(email, (u) => withGrants({ ...u, role }, access.grants), { none: true });
  return { previous, user };
}

export function sameGrants(a: Grant[], b: Grant[]): boolean {
  return a.length === b.length && a.every((g, i) => g.role === b[i].role && g.connection === b[i].connection && g.queue === b[i].queue);
}

/** A new password set for the user (by an admin, the CLI or the bootstrap): every session of theirs ends. */
export async function setUserPassword(email: string, password: string): Promise<PublicUser> {
  checkPassword(password);
  const passwordHash = await hashPassword(password);
  return toPublicUser((await updateUser(email, (u) => ({ ...u, passwordHash, source: 'local' }))).user);
}

/**
 * A new password the user chose for themselves (its caller checked the current one): every other
 * session of theirs ends, the one they changed it from (`keepSid`) goes on. Returns how many ended.
 */
export async function setOwnPassword(email: string, password: string, keepSid: string | undefined): Promise<number> {
  checkPassword(password);
  const passwordHash = await hashPassword(password);
  const { otherSessionsEnded } = await updateUser(email, (u) => ({ ...u, passwordHash }), { allBut: keepSid });
  return otherSessionsEnded ?? 0;
}

export async function removeUser(email: string): Promise<void> {
  const key = normalizeEmail(email);
  await assertNotLastAdmin(key);
  if (!(await usersStore().remove(key))) throw new NotFoundError(`No user with email ${key}`);
}

/** Creates or updates a local admin (bootstrap from DROVER_ADMIN_EMAIL / DROVER_ADMIN_PASSWORD). */
export async function upsertAdmin(email: string, password: string): Promise<'created' | 'updated'> {
  const key = normalizeEmail(email);
  checkPassword(password);
  const existing = await getUser(key);
  if (!existing) {
    await createUser({ email: key, password, role: 'admin' });
    return 'created';
  }
  const unchanged = existing.passwordHash ? await verifyPassword(password, existing.passwordHash) : false;
  const passwordHash = unchanged && !needsRehash(existing.passwordHash!) ? existing.passwordHash : await hashPassword(password);
  // A new password or a new role ends the old sessions, as when an admin changes them.
  const end: SessionsToEnd = !unchanged || existing.role !== 'admin' ? { all: true } : { none: true };
  await usersStore().put(key, JSON.stringify({ ...existing, role: 'admin', passwordHash, updatedAt: Date.now() }), end);
  return 'updated';
}

/** Users signing in through OIDC for the first time become viewers. Returns their current record. */
export async function upsertOidcUser(email: string, name?: string): Promise<UserRecord> {
  const key = normalizeEmail(email);
  const now = Date.now();
  const record: UserRecord = { email: key, name, role: 'viewer', source: 'oidc', createdAt: now, updatedAt: now };
  await usersStore().create(key, JSON.stringify(record));
  return (await getUser(key)) ?? record;
}

/** The user when email and password match; null otherwise, in about the same time either way. */
export async function verifyCredentials(email: string, password: string): Promise<UserRecord | null> {
  const key = emailSchema.safeParse(email);
  const raw = key.success ? await usersStore().get(key.data) : null;
  const user = parseRecord(raw);
  const hash = user?.passwordHash ?? (await getDummyHash());
  const ok = await verifyPassword(password, hash);
  if (!ok || !user?.passwordHash) return null;
  if (needsRehash(user.passwordHash)) await upgradeHash(user, raw!, password);
  return user;
}

/** Rehashes with today's scrypt cost, unless the record changed since it was read (a reset wins). */
async function upgradeHash(user: UserRecord, raw: string, password: string): Promise<void> {
  try {
    const next: UserRecord = { ...user, passwordHash: await hashPassword(password) };
    await usersStore().swap(user.email, raw, JSON.stringify(next));
  } catch (err) {
    // The sign-in itself succeeded; the upgrade is tried again next time.
    logger.warn({ event: 'password.rehash_failed', email: user.email, err: (err as Error).message }, 'password hash upgrade failed');
  }
}

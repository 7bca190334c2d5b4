// Console users, stored in the console Redis as one hash (email → JSON record).
import 'server-only';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { ConflictError, InvalidError, NotFoundError } from '@/lib/errors';
import { getDummyHash, hashPassword, needsRehash, verifyPassword } from './password';
import { revokeAllSessionsIn, revokeOtherSessionsIn } from './sessions';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { swapUserRecordScript } from './lua/swap-user-record-1';
import { keepOnlySessionScript } from './lua/keep-only-session-1';
import { logger } from '@/lib/log';
import type { Role } from './roles';
import { emailSchema, passwordSchema, toPublicUser, userRecordSchema, type PublicUser, type UserRecord } from './user-schema';

function redis() {
  return getConsoleConnection().redis;
}

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
  return parseRecord(await redis().hget(KEYS.users, key.data));
}

export async function listUsers(): Promise<PublicUser[]> {
  const all = await redis().hgetall(KEYS.users);
  return Object.values(all)
    .map((raw) => parseRecord(raw))
    .filter((u): u is UserRecord => u !== null)
    .map(toPublicUser)
    .sort((a, b) => a.email.localeCompare(b.email));
}

export async function countUsers(): Promise<number> {
  return redis().hlen(KEYS.users);
}

export async function createUser(input: { email: string; password: string; role: Role; name?: string }): Promise<PublicUser> {
  const email = normalizeEmail(input.email);
  checkPassword(input.password);
  const now = Date.now();
  const record: UserRecord = {
    email,
    name: input.name,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    source: 'local',
    createdAt: now,
    updatedAt: now,
  };
  const created = await redis().hsetnx(KEYS.users, email, JSON.stringify(record));
  if (!created) throw new ConflictError(`A user with email ${email} already exists`);
  return toPublicUser(record);
}

/** Which of the user's sessions a change ends: all of them, or all but the one the user changed it from. */
type SessionsToEnd = { all: true } | { allBut: string | undefined };

/**
 * Changes the user and ends their sessions in one MULTI, so a changed role or password applies at once.
 * Returns the new record and, when one session was kept, how many others ended.
 */
async function updateUser(email: string, change: (u: UserRecord) => UserRecord, end: SessionsToEnd = { all: true }): Promise<{ user: UserRecord; previous: UserRecord; otherSessionsEnded?: number }> {
  const key = normalizeEmail(email);
  const current = await getUser(key);
  if (!current) throw new NotFoundError(`No user with email ${key}`);
  const next = { ...change(current), updatedAt: Date.now() };
  const multi = withLuaScripts(redis(), [keepOnlySessionScript]).multi().hset(KEYS.users, key, JSON.stringify(next));
  if ('all' in end) {
    await revokeAllSessionsIn(multi, key).exec();
    return { user: next, previous: current };
  }
  const results = await revokeOtherSessionsIn(multi, key, end.allBut).exec();
  const [err, ended] = results?.[1] ?? [new Error('the session change did not run')];
  if (err) throw err;
  return { user: next, previous: current, otherSessionsEnded: Number(ended) };
}

async function assertNotLastAdmin(email: string): Promise<void> {
  const admins = (await listUsers()).filter((u) => u.role === 'admin');
  if (admins.length === 1 && admins[0].email === email) {
    throw new ConflictError('This is the only admin: make another user admin first');
  }
}

/** The user with their new role, and the role they had (for the audit entry). */
export async function setUserRole(email: string, role: Role): Promise<{ user: PublicUser; previousRole: Role }> {
  const key = normalizeEmail(email);
  if (role !== 'admin') await assertNotLastAdmin(key);
  const { user, previous } = await updateUser(key, (u) => ({ ...u, role }));
  return { user: toPublicUser(user), previousRole: previous.role };
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
  const results = await revokeAllSessionsIn(redis().multi().hdel(KEYS.users, key), key).exec();
  if (!results?.[0]?.[1]) throw new NotFoundError(`No user with email ${key}`);
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
  const multi = redis().multi().hset(KEYS.users, key, JSON.stringify({ ...existing, role: 'admin', passwordHash, updatedAt: Date.now() }));
  // A new password or a new role ends the old sessions, as when an admin changes them.
  if (!unchanged || existing.role !== 'admin') revokeAllSessionsIn(multi, key);
  await multi.exec();
  return 'updated';
}

/** Users signing in through OIDC for the first time become viewers. Returns their current record. */
export async function upsertOidcUser(email: string, name?: string): Promise<UserRecord> {
  const key = normalizeEmail(email);
  const now = Date.now();
  const record: UserRecord = { email: key, name, role: 'viewer', source: 'oidc', createdAt: now, updatedAt: now };
  await redis().hsetnx(KEYS.users, key, JSON.stringify(record));
  return (await getUser(key)) ?? record;
}

/** The user when email and password match; null otherwise, in about the same time either way. */
export async function verifyCredentials(email: string, password: string): Promise<UserRecord | null> {
  const key = emailSchema.safeParse(email);
  const raw = key.success ? await redis().hget(KEYS.users, key.data) : null;
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
    await withLuaScripts(redis(), [swapUserRecordScript]).droverSwapUserRecord(KEYS.users, user.email, raw, JSON.stringify(next));
  } catch (err) {
    // The sign-in itself succeeded; the upgrade is tried again next time.
    logger.warn({ event: 'password.rehash_failed', email: user.email, err: (err as Error).message }, 'password hash upgrade failed');
  }
}

import { beforeEach, describe, expect, it } from 'vitest';
import { ctxAs, redisForThisFile } from '../helpers/console-env';
import { scryptSync, randomBytes } from 'node:crypto';
import { createUser, getUser, listUsers, setUserPassword, setUserRole, verifyCredentials, removeUser, upsertAdmin } from '@/lib/auth/users';
import { countSessions, isSessionLive, newSessionId, registerSession, revokeAllSessions, revokeSession, MAX_SESSIONS_PER_USER } from '@/lib/auth/sessions';
import { signOutEverywhere } from '@/lib/users/sign-out-everywhere';
import { getDummyHash, hashingStats, needsRehash } from '@/lib/auth/password';
import { bootstrapAdmin } from '@/lib/auth/bootstrap';
import { addUser } from '@/lib/users/add-user';
import { updateUser } from '@/lib/users/update-user';
import { deleteUser } from '@/lib/users/remove-user';
import { KEYS } from '@/lib/keys';
import { lastAudit } from '../helpers/audit';
import { AUDIT_MAX_ENTRY_BYTES } from '@/lib/audit/record-audit';

const redis = redisForThisFile();

beforeEach(async () => {
  await redis.client().flushall();
});

describe('users in the console Redis', () => {
  it('stores scrypt hashes, never the password, and checks credentials', async () => {
    await createUser({ email: 'Ops@Example.com', password: 'a long password', role: 'operator' });
    const raw = await redis.client().hget(KEYS.users, 'ops@example.com');
    expect(raw).not.toContain('a long password');
    expect(JSON.parse(raw!).passwordHash).toMatch(/^scrypt\$/);
    expect((await verifyCredentials('ops@example.com', 'a long password'))?.role).toBe('operator');
    expect(await verifyCredentials('ops@example.com', 'wrong password!')).toBeNull();
    expect(await verifyCredentials('nobody@example.com', 'a long password')).toBeNull();
  });

  it('refuses duplicates, short passwords and bad emails with precise messages', async () => {
    await createUser({ email: 'a@x', password: 'a long password', role: 'viewer' });
    await expect(createUser({ email: 'A@X', password: 'a long password', role: 'viewer' })).rejects.toThrow('A user with email a@x already exists');
    await expect(createUser({ email: 'b@x', password: 'short', role: 'viewer' })).rejects.toThrow('password must be at least 10 characters');
    await expect(createUser({ email: 'not-an-email', password: 'a long password', role: 'viewer' })).rejects.toThrow(/Invalid email/);
  });

  it('a role change is audited with the previous role and the new one, within the entry bound', async () => {
    await createUser({ email: 'boss@x', password: 'a long password', role: 'admin' });
    await createUser({ email: 'ops@x', password: 'a long password', role: 'operator' });
    await updateUser(ctxAs('admin', 'boss@x'), { email: 'ops@x' }, { role: 'viewer' });
    expect(await lastAudit(redis.client())).toMatchObject({ action: 'user.update', outcome: 'ok', params: { email: 'ops@x', previousRole: 'operator', role: 'viewer' } });

    const long = `${'l'.repeat(240)}@example.com`;
    await createUser({ email: long, password: 'a long password', role: 'viewer' });
    await updateUser(ctxAs('admin', 'boss@x'), { email: long }, { role: 'admin' });
    const [[, fields]] = await redis.client().xrevrange(KEYS.audit, '+', '-', 'COUNT', 1);
    expect(Buffer.byteLength(fields[1])).toBeLessThanOrEqual(AUDIT_MAX_ENTRY_BYTES);
    expect(JSON.parse(fields[1]).params).toMatchObject({ previousRole: 'viewer', role: 'admin' });
  });

  it('never removes or demotes the last admin', async () => {
    await createUser({ email: 'root@x', password: 'a long password', role: 'admin' });
    await expect(setUserRole('root@x', 'viewer')).rejects.toThrow('This is the only admin');
    await expect(removeUser('root@x')).rejects.toThrow('This is the only admin');
    await createUser({ email: 'second@x', password: 'a long password', role: 'admin' });
    await setUserRole('root@x', 'viewer');
    expect((await getUser('root@x'))?.role).toBe('viewer');
  });

  it('admin commands check the role first and audit every outcome', async () => {
    await expect(addUser(ctxAs('operator'), { email: 'x@y', role: 'viewer' })).rejects.toThrow(/needs the admin role/);
    const created = await addUser(ctxAs('admin', 'boss@x'), { email: 'new@y', role: 'viewer' });
    expect(created.password).toMatch(/.{20,}/);
    await updateUser(ctxAs('admin', 'boss@x'), { email: 'new@y' }, { role: 'operator' });
    await expect(deleteUser(ctxAs('admin', 'boss@x'), { email: 'ghost@y' })).rejects.toThrow('No user with email ghost@y');
    const entries = (await redis.client().xrange(KEYS.audit, '-', '+')).map(([, fields]) => JSON.parse(fields[1]));
    expect(entries.map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ['user.add', 'denied', 'operator@test'],
      ['user.add', 'ok', 'boss@x'],
      ['user.update', 'ok', 'boss@x'],
      ['user.remove', 'refused', 'boss@x'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(created.password);
  });
});

describe('first admin bootstrap', () => {
  it('creates admin@localhost with a random password on first run only', async () => {
    const first = await bootstrapAdmin({});
    expect(first.kind).toBe('generated-admin');
    if (first.kind !== 'generated-admin') return;
    expect((await verifyCredentials('admin@localhost', first.password))?.role).toBe('admin');
    expect((await bootstrapAdmin({})).kind).toBe('none');
    expect(await listUsers()).toHaveLength(1);
  });

  it('creates or updates the admin from DROVER_ADMIN_EMAIL / DROVER_ADMIN_PASSWORD', async () => {
    const env = { DROVER_ADMIN_EMAIL: 'Boss@Example.com', DROVER_ADMIN_PASSWORD: 'first password' };
    expect(await bootstrapAdmin(env)).toEqual({ kind: 'env-admin', email: 'boss@example.com', change: 'created' });
    await setUserRoleSafely();
    expect(await bootstrapAdmin({ ...env, DROVER_ADMIN_PASSWORD: 'second password' })).toMatchObject({ change: 'updated' });
    const user = await verifyCredentials('boss@example.com', 'second password');
    expect(user?.role).toBe('admin');
    await expect(bootstrapAdmin({ DROVER_ADMIN_EMAIL: 'x@y' })).rejects.toThrow('Set both DROVER_ADMIN_EMAIL and DROVER_ADMIN_PASSWORD, or neither');
  });

  async function setUserRoleSafely() {
    // Demote via a second admin so the env bootstrap has something to restore.
    await upsertAdmin('other@example.com', 'other password');
    await setUserRole('boss@example.com', 'viewer');
  }
});

describe('password hashes', () => {
  it('an old-cost hash is upgraded to today\'s scrypt cost at the next successful sign-in, not at a failed one', async () => {
    const salt = randomBytes(16);
    const oldHash = ['scrypt', 16384, 8, 1, salt.toString('base64'), scryptSync('an old password', salt, 64, { N: 16384, r: 8, p: 1 }).toString('base64')].join('$');
    await createUser({ email: 'legacy@x', password: 'placeholder pw', role: 'viewer' });
    const raw = JSON.parse((await redis.client().hget(KEYS.users, 'legacy@x'))!);
    await redis.client().hset(KEYS.users, 'legacy@x', JSON.stringify({ ...raw, passwordHash: oldHash }));

    expect(await verifyCredentials('legacy@x', 'wrong password!')).toBeNull();
    expect((await getUser('legacy@x'))?.passwordHash).toBe(oldHash);
    expect((await verifyCredentials('legacy@x', 'an old password'))?.email).toBe('legacy@x');
    const upgraded = (await getUser('legacy@x'))!.passwordHash!;
    expect(upgraded).toMatch(/^scrypt\$16384\$8\$5\$/);
    expect((await verifyCredentials('legacy@x', 'an old password'))?.email).toBe('legacy@x');
  });

  it('an unknown account costs one full-cost hash, like a wrong password', async () => {
    await createUser({ email: 'timed@x', password: 'a long password', role: 'viewer' });
    await verifyCredentials('nobody@x', 'warm up the dummy hash');
    const hashesFor = async (email: string) => {
      const before = hashingStats().completed;
      expect(await verifyCredentials(email, 'not the password')).toBeNull();
      return hashingStats().completed - before;
    };
    expect(await hashesFor('timed@x')).toBe(1);
    expect(await hashesFor('nobody@x')).toBe(1);
    // The dummy hash has today's cost, as a known account's does.
    expect(needsRehash(await getDummyHash())).toBe(false);
  });
});

describe('sessions', () => {
  const DAY = 24 * 60 * 60 * 1000;

  it('are live while registered and not expired; signing out one leaves the others', async () => {
    const [a, b] = [newSessionId(), newSessionId()];
    expect(a).not.toBe(b);
    await registerSession('s@x', a, DAY);
    await registerSession('s@x', b, DAY);
    expect(await isSessionLive('s@x', a)).toBe(true);
    expect(await isSessionLive('s@x', undefined)).toBe(false);
    expect(await isSessionLive('other@x', a)).toBe(false);
    await revokeSession('s@x', a);
    expect(await isSessionLive('s@x', a)).toBe(false);
    expect(await isSessionLive('s@x', b)).toBe(true);
    expect(await isSessionLive('s@x', b, Date.now() + DAY + 1)).toBe(false);
    const ttl = await redis.client().pttl(KEYS.userSessions('s@x'));
    expect(ttl).toBeGreaterThan(DAY - 10_000);
    expect(ttl).toBeLessThanOrEqual(DAY);
  });

  it(`keep at most ${MAX_SESSIONS_PER_USER} per user, dropping the oldest`, async () => {
    const t0 = Date.now();
    const ids = Array.from({ length: MAX_SESSIONS_PER_USER + 5 }, () => newSessionId());
    for (const [i, sid] of ids.entries()) await registerSession('busy@x', sid, DAY, t0 + i);
    expect(await redis.client().zcard(KEYS.userSessions('busy@x'))).toBe(MAX_SESSIONS_PER_USER);
    expect(await isSessionLive('busy@x', ids[0], t0 + 100)).toBe(false);
    expect(await isSessionLive('busy@x', ids[4], t0 + 100)).toBe(false);
    expect(await isSessionLive('busy@x', ids[5], t0 + 100)).toBe(true);
    expect(await countSessions('busy@x', t0 + 100)).toBe(MAX_SESSIONS_PER_USER);
  });

  it('a password reset, a role change, removing the user and "sign out everywhere" end all of a user\'s sessions', async () => {
    await createUser({ email: 'root@x', password: 'a long password', role: 'admin' });
    await createUser({ email: 'ops@x', password: 'a long password', role: 'operator' });
    const changes: Array<[string, () => Promise<unknown>]> = [
      ['password', () => setUserPassword('ops@x', 'another password')],
      ['role', () => setUserRole('ops@x', 'viewer')],
      ['everywhere', () => signOutEverywhere({ actor: { kind: 'session', id: 'ops@x', name: 'ops@x', role: 'viewer' }, via: 'ui' })],
      ['removal', () => removeUser('ops@x')],
    ];
    for (const [what, change] of changes) {
      const sid = newSessionId();
      await registerSession('ops@x', sid, DAY);
      await registerSession('root@x', `root-${what}`, DAY);
      await change();
      expect(await isSessionLive('ops@x', sid), what).toBe(false);
      // Other users keep theirs.
      expect(await isSessionLive('root@x', `root-${what}`), what).toBe(true);
    }
    await revokeAllSessions('root@x');
    expect(await countSessions('root@x')).toBe(0);
    // An API token has no sessions to end.
    await expect(signOutEverywhere({ actor: { kind: 'token', id: 't', name: 'token:t', role: 'admin' }, via: 'api' })).rejects.toThrow(/Only a signed-in user/);
  });

  it('the bootstrap admin\'s sessions end when DROVER_ADMIN_PASSWORD changes, not on a restart with the same one', async () => {
    const env = { DROVER_ADMIN_EMAIL: 'env@x', DROVER_ADMIN_PASSWORD: 'first password' };
    await bootstrapAdmin(env);
    await registerSession('env@x', 'kept', DAY);
    await bootstrapAdmin(env);
    expect(await isSessionLive('env@x', 'kept')).toBe(true);
    await bootstrapAdmin({ ...env, DROVER_ADMIN_PASSWORD: 'second password' });
    expect(await isSessionLive('env@x', 'kept')).toBe(false);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { ctxAs } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { auditLog, authPeek } from '../helpers/auth-peek';
import { scryptSync, randomBytes } from 'node:crypto';
import { createUser, getUser, listUsers, setUserPassword, setUserRole, verifyCredentials, removeUser, upsertAdmin } from '@/lib/auth/users';
import { countSessions, isSessionLive, newSessionId, registerSession, revokeAllSessions, revokeSession, MAX_SESSIONS_PER_USER } from '@/lib/auth/sessions';
import { signOutEverywhere } from '@/lib/users/sign-out-everywhere';
import { getDummyHash, hashingStats, needsRehash } from '@/lib/auth/password';
import { bootstrapAdmin } from '@/lib/auth/bootstrap';
import { addUser } from '@/lib/users/add-user';
import { updateUser } from '@/lib/users/update-user';
import { deleteUser } from '@/lib/users/remove-user';
import { AUDIT_MAX_ENTRY_BYTES } from '@/lib/audit/record-audit';
import { EXPIRED_SESSIONS_PRUNED_PER_SIGNIN, IS_SESSION_LIVE_SQL } from '@/lib/store/postgres/console/sessions';

describe.each(STORE_KINDS)('on %s', (kind) => {
  const c = consoleForThisFile(kind);
  const peek = authPeek(c);

  beforeEach(async () => {
    await c.reset();
  });

  describe('users in the console store', () => {
    it('stores scrypt hashes, never the password, and checks credentials', async () => {
      await createUser({ email: 'Ops@Example.com', password: 'a long password', role: 'operator' });
      const raw = await peek.userRecord('ops@example.com');
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
      expect((await auditLog()).at(-1)).toMatchObject({ action: 'user.update', outcome: 'ok', params: { email: 'ops@x', previousRole: 'operator', role: 'viewer' } });

      const long = `${'l'.repeat(240)}@example.com`;
      await createUser({ email: long, password: 'a long password', role: 'viewer' });
      await updateUser(ctxAs('admin', 'boss@x'), { email: long }, { role: 'admin' });
      const { id, ...stored } = (await auditLog()).at(-1)!;
      expect(id).toBeTruthy();
      expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(AUDIT_MAX_ENTRY_BYTES);
      expect(stored.params).toMatchObject({ previousRole: 'viewer', role: 'admin' });
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
      const entries = await auditLog();
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
      const raw = JSON.parse((await peek.userRecord('legacy@x'))!);
      await peek.setUserRecord('legacy@x', JSON.stringify({ ...raw, passwordHash: oldHash }));

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
      const ttl = await peek.sessionsTtl('s@x');
      expect(ttl).toBeGreaterThan(DAY - 10_000);
      expect(ttl).toBeLessThanOrEqual(DAY);
    });

    it(`keep at most ${MAX_SESSIONS_PER_USER} per user, dropping the oldest`, async () => {
      const t0 = Date.now();
      const ids = Array.from({ length: MAX_SESSIONS_PER_USER + 5 }, () => newSessionId());
      for (const [i, sid] of ids.entries()) await registerSession('busy@x', sid, DAY, t0 + i);
      expect(await peek.storedSessions('busy@x')).toBe(MAX_SESSIONS_PER_USER);
      expect(await isSessionLive('busy@x', ids[0], t0 + 100)).toBe(false);
      expect(await isSessionLive('busy@x', ids[4], t0 + 100)).toBe(false);
      expect(await isSessionLive('busy@x', ids[5], t0 + 100)).toBe(true);
      expect(await countSessions('busy@x', t0 + 100)).toBe(MAX_SESSIONS_PER_USER);
    });

    it('a password reset, a role change, removing the user and revoking them all end all of a user\'s sessions', async () => {
      await createUser({ email: 'root@x', password: 'a long password', role: 'admin' });
      await createUser({ email: 'ops@x', password: 'a long password', role: 'operator' });
      const changes: Array<[string, () => Promise<unknown>]> = [
        ['password', () => setUserPassword('ops@x', 'another password')],
        ['role', () => setUserRole('ops@x', 'viewer')],
        ['revoke all', () => revokeAllSessions('ops@x')],
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
    });

    it('"sign out everywhere" ends every session of the signed-in user, and an API token has none to end', async () => {
      await registerSession('me@x', 'here', DAY);
      await registerSession('me@x', 'there', DAY);
      await registerSession('other@x', 'theirs', DAY);
      await signOutEverywhere({ actor: { kind: 'session', id: 'me@x', name: 'me@x', role: 'viewer' }, via: 'ui' });
      expect(await countSessions('me@x')).toBe(0);
      expect(await isSessionLive('other@x', 'theirs')).toBe(true);
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

  if (kind === 'postgres') {
    describe('PostgreSQL: users and sessions in one transaction', () => {
      const DAY = 24 * 60 * 60 * 1000;

      it('a role change and the end of the user’s sessions are seen together or not at all', async () => {
        await createUser({ email: 'root@x', password: 'a long password', role: 'admin' });
        await createUser({ email: 'ops@x', password: 'a long password', role: 'operator' });
        await registerSession('ops@x', 'ops-sid', DAY);
        // A reader taking one snapshot at a time, as fast as it can, while the role changes.
        const seen: Array<[string, boolean]> = [];
        let changed = false;
        const reader = (async () => {
          const client = await c.pool().connect();
          try {
            // Until one snapshot taken after the change returned.
            for (let after = false; !after; ) {
              after = changed;
              await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
              const user = await client.query<{ record: string }>("SELECT record FROM drover.console_user WHERE email = 'ops@x'");
              const session = await client.query("SELECT 1 FROM drover.session WHERE email = 'ops@x' AND sid = 'ops-sid'");
              await client.query('COMMIT');
              seen.push([JSON.parse(user.rows[0].record).role, session.rows.length === 1]);
            }
          } finally {
            client.release();
          }
        })();
        await setUserRole('ops@x', 'viewer');
        changed = true;
        await reader;
        for (const pair of seen) expect([['operator', true], ['viewer', false]]).toContainEqual(pair);
        expect(seen.at(-1)).toEqual(['viewer', false]);
      });

      it('a role change whose session delete fails changes nothing (one transaction)', async () => {
        await createUser({ email: 'root@x', password: 'a long password', role: 'admin' });
        await createUser({ email: 'ops@x', password: 'a long password', role: 'operator' });
        await registerSession('ops@x', 'ops-sid', DAY);
        // A real failure of the second statement: the server refuses deletes of sessions for a moment.
        await c.pool().query(`CREATE FUNCTION drover.refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'sessions are read-only now'; END $$`);
        await c.pool().query('CREATE TRIGGER refuse_delete BEFORE DELETE ON drover.session FOR EACH ROW EXECUTE FUNCTION drover.refuse_delete()');
        try {
          await expect(setUserRole('ops@x', 'viewer')).rejects.toThrow('sessions are read-only now');
          await expect(setUserPassword('ops@x', 'another password')).rejects.toThrow('sessions are read-only now');
          await expect(removeUser('ops@x')).rejects.toThrow('sessions are read-only now');
        } finally {
          await c.pool().query('DROP TRIGGER refuse_delete ON drover.session');
          await c.pool().query('DROP FUNCTION drover.refuse_delete()');
        }
        expect((await getUser('ops@x'))?.role).toBe('operator');
        expect((await verifyCredentials('ops@x', 'a long password'))?.email).toBe('ops@x');
        expect(await isSessionLive('ops@x', 'ops-sid')).toBe(true);
      });

      it('a session stops being live when its expiry passes, and expired sessions of users who never return are deleted by later sign-ins', async () => {
        const t0 = Date.now();
        await registerSession('brief@x', 'short', 300, t0);
        expect(await isSessionLive('brief@x', 'short', t0 + 299)).toBe(true);
        expect(await isSessionLive('brief@x', 'short', t0 + 300)).toBe(false);
        // On the real clock too.
        await expect.poll(() => isSessionLive('brief@x', 'short'), { timeout: 5000, interval: 50 }).toBe(false);

        for (let i = 0; i < 150; i++) await registerSession(`gone-${i}@x`, 'sid', 1000, t0 - 10_000);
        const rows = async () => (await c.pool().query('SELECT count(*)::int AS n FROM drover.session')).rows[0].n as number;
        // 151 expired rows (brief@x's and the 150 users'), each user's key would have expired on Redis.
        expect(await rows()).toBe(151);
        await registerSession('back@x', 'sid', DAY);
        expect(await rows()).toBe(151 + 1 - EXPIRED_SESSIONS_PRUNED_PER_SIGNIN);
        await registerSession('back-too@x', 'sid', DAY);
        expect(await rows()).toBe(2);
        expect(await isSessionLive('back@x', 'sid')).toBe(true);
      });

      it('isSessionLive is one probe of the primary key', async () => {
        // A deployment's worth of sessions (written in bulk: the plan is the point here).
        await c.pool().query(`INSERT INTO drover.session (email, sid, expires_at) SELECT 'u' || (i % 2000) || '@x', 'sid-' || i, $1 FROM generate_series(1, 20000) i`, [Date.now() + DAY]);
        await c.pool().query('ANALYZE drover.session');
        const plan = (await c.pool().query(`EXPLAIN (FORMAT JSON) ${IS_SESSION_LIVE_SQL}`, ['u7@x', 'sid-2007', Date.now()])).rows[0]['QUERY PLAN'][0].Plan;
        expect(plan).toMatchObject({ 'Node Type': 'Index Scan', 'Index Name': 'session_pkey' });
        expect(plan.Plans).toBeUndefined();
        expect(await isSessionLive('u7@x', 'sid-2007')).toBe(true);
      });

      it(`parallel sign-ins of one user keep exactly the newest ${MAX_SESSIONS_PER_USER}`, async () => {
        const t0 = Date.now();
        await Promise.all(Array.from({ length: MAX_SESSIONS_PER_USER + 20 }, (_, i) => registerSession('crowd@x', `sid-${String(i).padStart(3, '0')}`, DAY, t0 + i)));
        expect(await peek.storedSessions('crowd@x')).toBe(MAX_SESSIONS_PER_USER);
        expect(await isSessionLive('crowd@x', 'sid-019', t0 + 100)).toBe(false);
        expect(await isSessionLive('crowd@x', 'sid-020', t0 + 100)).toBe(true);
      });
    });
  }
});

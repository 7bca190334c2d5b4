// API tokens end to end through the real route handlers (bearer auth needs no session).
import { beforeEach, describe, expect, it } from 'vitest';
import { ctxAs } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { auditLog, authPeek } from '../helpers/auth-peek';
import { waitFor } from '../helpers/wait';
import { LAST_USED_WRITE_INTERVAL_MS, createApiToken, listApiTokens, revokeApiToken, touchApiToken, verifyApiToken } from '@/lib/auth/api-tokens';
import { createTokenInput } from '@/lib/users/schemas';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { revokeToken } from '@/lib/users/revoke-token';
import * as tokensRoute from '@/app/api/v1/tokens/route';
import { KEYS } from '@/lib/keys';
import * as meRoute from '@/app/api/v1/me/route';
import * as usersRoute from '@/app/api/v1/users/route';

const noParams = { params: Promise.resolve({}) };

function call(handler: (req: Request, ctx: typeof noParams) => Promise<Response>, init: RequestInit & { token?: string; path?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return handler(new Request(`http://console.test${init.path ?? '/api/v1/x'}`, { ...init, headers }), noParams);
}

describe.each(STORE_KINDS)('on %s', (kind) => {
  const c = consoleForThisFile(kind);
  const peek = authPeek(c);

  beforeEach(async () => {
    await c.reset();
  });

  /** Counts the writes of the token's last use from now on (Redis: MONITOR; PostgreSQL: a counting trigger). */
  async function lastUsedWrites(id: string): Promise<{ count(): Promise<number> }> {
    if (kind === 'redis') {
      const monitor = await c.redis().monitor();
      const writes: string[] = [];
      let marks = 0;
      monitor.on('monitor', (_t: string, args: string[]) => {
        if (args[0].toLowerCase() === 'hset' && args[1] === KEYS.apiTokenLastUsed && args[2] === id) writes.push(args[2]);
        if (args[0].toLowerCase() === 'echo' && args[1] === 'last-used-mark') marks++;
      });
      return {
        async count() {
          // Every command before the mark has been seen once the mark is.
          await c.redis().echo('last-used-mark');
          await waitFor(() => marks > 0);
          monitor.disconnect();
          return writes.length;
        },
      };
    }
    const pool = c.pool();
    await pool.query('CREATE TABLE public.last_used_write (id text)');
    await pool.query(`CREATE FUNCTION public.count_last_used_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.last_used_write VALUES (NEW.id); RETURN NULL; END $$`);
    await pool.query('CREATE TRIGGER count_last_used_write AFTER UPDATE OF last_used_at ON drover.api_token FOR EACH ROW EXECUTE FUNCTION public.count_last_used_write()');
    return {
      async count() {
        const n = (await pool.query('SELECT count(*)::int AS n FROM public.last_used_write WHERE id = $1', [id])).rows[0].n as number;
        await pool.query('DROP TRIGGER count_last_used_write ON drover.api_token');
        await pool.query('DROP FUNCTION public.count_last_used_write()');
        await pool.query('DROP TABLE public.last_used_write');
        return n;
      },
    };
  }

  describe('API tokens', () => {
    it('are stored only as SHA-256 digests and shown once', async () => {
      const { token, record } = await createApiToken({ name: 'ci', role: 'operator', createdBy: 'admin@x' });
      expect(token).toMatch(/^drv_[A-Za-z0-9_-]{43}$/);
      const stored = await peek.storedTokens();
      expect(stored).toContain(record.id);
      expect(stored).not.toContain(token);
      expect((await verifyApiToken(token))?.id).toBe(record.id);
      expect(JSON.stringify(await listApiTokens())).not.toContain(token);
    });

    it('authenticate /api/v1 requests with the token role, and revocation is immediate', async () => {
      const { token, record } = await createApiToken({ name: 'reader', role: 'viewer', createdBy: 'admin@x' });
      const me = await call(meRoute.GET, { token });
      expect(me.status).toBe(200);
      expect(await me.json()).toEqual({ kind: 'token', name: 'token:reader', role: 'viewer', globalRole: 'viewer', grants: [] });

      await revokeApiToken(record.id);
      const after = await call(meRoute.GET, { token });
      expect(after.status).toBe(401);
      expect(await after.json()).toEqual({ error: { code: 'unauthorized', message: 'Invalid or revoked API token' } });
    });

    it('answer 401 for unknown and malformed tokens', async () => {
      expect((await call(meRoute.GET, { token: 'drv_not-a-real-token' })).status).toBe(401);
      const malformed = await meRoute.GET(new Request('http://console.test/api/v1/me', { headers: { authorization: 'Basic abc' } }), noParams);
      expect(malformed.status).toBe(401);
      expect((await malformed.json()).error.message).toMatch(/Malformed Authorization header/);
    });

    it('a role too low gets 403 and the refused mutation is audited as denied', async () => {
      const { token } = await createApiToken({ name: 'low', role: 'operator', createdBy: 'admin@x' });
      expect((await call(usersRoute.GET, { token })).status).toBe(403);
      const res = await call(usersRoute.POST, { token, method: 'POST', body: JSON.stringify({ email: 'x@y', role: 'admin' }) });
      expect(res.status).toBe(403);
      expect((await res.json()).error.message).toBe('This needs the admin role; you are operator');
      expect((await auditLog()).at(-1)).toMatchObject({ action: 'user.add', actor: 'token:low', outcome: 'denied', via: 'api' });
    });

    it('validates bodies: malformed JSON → 400, schema errors name the field, oversized → 413', async () => {
      const { token } = await createApiToken({ name: 'admin-bot', role: 'admin', createdBy: 'admin@x' });
      const malformed = await call(usersRoute.POST, { token, method: 'POST', body: '{"email": ' });
      expect(malformed.status).toBe(400);
      expect((await malformed.json()).error.message).toMatch(/^Malformed JSON body/);

      const invalid = await call(usersRoute.POST, { token, method: 'POST', body: JSON.stringify({ email: 'x@y', role: 'root' }) });
      expect(invalid.status).toBe(400);
      const body = await invalid.json();
      expect(body.error.message).toMatch(/^Invalid body: role:/);
      expect(body.error.fieldErrors.role).toBeDefined();

      const huge = await call(usersRoute.POST, { token, method: 'POST', body: JSON.stringify({ email: 'x@y', role: 'viewer', name: 'x'.repeat(2 * 1024 * 1024) }) });
      expect(huge.status).toBe(413);
    });

    it('a valid body from an admin token creates the user (201)', async () => {
      const { token } = await createApiToken({ name: 'admin-bot', role: 'admin', createdBy: 'admin@x' });
      const created = await call(usersRoute.POST, { token, method: 'POST', body: JSON.stringify({ email: 'bot-made@y', role: 'viewer' }) });
      expect(created.status).toBe(201);
      expect((await created.json()).user).toMatchObject({ email: 'bot-made@y', role: 'viewer' });
    });

    it('expire when their time passes: 401 saying so, while the record stays listed', async () => {
      const t0 = Date.now();
      const { token, record } = await createApiToken({ name: 'past', role: 'viewer', createdBy: 'admin@x', expiresInMs: 1000, now: t0 - 5000 });
      expect(record.expiresAt).toBe(t0 - 4000);
      const res = await call(meRoute.GET, { token });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: `API token "past" expired at ${new Date(t0 - 4000).toISOString()}` } });
      expect((await listApiTokens()).find((t) => t.id === record.id)).toMatchObject({ expiresAt: t0 - 4000 });

      const { token: fresh } = await createApiToken({ name: 'future', role: 'viewer', createdBy: 'admin@x', expiresInMs: 60_000 });
      expect((await call(meRoute.GET, { token: fresh })).status).toBe(200);
    });

    it('take an expiry as 90s / 15m / 12h / 30d from the API, the UI and the CLI alike', async () => {
      expect(createTokenInput.parse({ name: 'a', role: 'viewer', expiresIn: '30d' }).expiresIn).toBe(30 * 86_400_000);
      expect(createTokenInput.parse({ name: 'a', role: 'viewer', expiresIn: '90s' }).expiresIn).toBe(90_000);
      expect(createTokenInput.parse({ name: 'a', role: 'viewer', expiresIn: '' }).expiresIn).toBeUndefined();
      expect(createTokenInput.parse({ name: 'a', role: 'viewer' }).expiresIn).toBeUndefined();
      for (const bad of ['forever', '0s', '3651d', '-1d', '1w', 30]) expect(createTokenInput.safeParse({ name: 'a', role: 'viewer', expiresIn: bad }).success, String(bad)).toBe(false);

      const { token: adminToken } = await issueApiToken(ctxAs('admin'), { name: 'issuer', role: 'admin' });
      const created = await call(tokensRoute.POST, { token: adminToken, method: 'POST', body: JSON.stringify({ name: 'monthly', role: 'viewer', expiresIn: '30d' }) });
      expect(created.status).toBe(201);
      const body = await created.json();
      expect(body.expiresAt - body.createdAt).toBe(30 * 86_400_000);
      const bad = await call(tokensRoute.POST, { token: adminToken, method: 'POST', body: JSON.stringify({ name: 'x', role: 'viewer', expiresIn: 'forever' }) });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.fieldErrors.expiresIn[0]).toMatch(/duration like 30d/);
    });

    it('record their last use, written at most once a minute per token, listed in the API', async () => {
      const { token, record } = await createApiToken({ name: 'busy', role: 'viewer', createdBy: 'admin@x' });
      const listed = async () => (await listApiTokens()).find((t) => t.id === record.id)!;
      expect((await listed()).lastUsedAt).toBeNull();
      const before = Date.now();
      expect((await call(meRoute.GET, { token })).status).toBe(200);
      await expect.poll(async () => (await listed()).lastUsedAt, { timeout: 5000 }).toBeGreaterThanOrEqual(before);
      const first = (await listed()).lastUsedAt!;

      // A busy token: 50 more requests within the minute write nothing.
      const writes = await lastUsedWrites(record.id);
      for (let i = 0; i < 50; i++) expect((await call(meRoute.GET, { token })).status).toBe(200);
      expect((await listed()).lastUsedAt).toBe(first);
      expect(await touchApiToken(record.id, first + LAST_USED_WRITE_INTERVAL_MS - 1)).toBe(false);
      expect(await touchApiToken(record.id, first + LAST_USED_WRITE_INTERVAL_MS + 1)).toBe(true);
      expect((await listed()).lastUsedAt).toBe(first + LAST_USED_WRITE_INTERVAL_MS + 1);
      expect(await writes.count()).toBe(1);

      const admin = await createApiToken({ name: 'lister', role: 'admin', createdBy: 'admin@x' });
      const list = await (await call(tokensRoute.GET, { token: admin.token })).json();
      expect(list.tokens.find((t: { id: string }) => t.id === record.id)).toMatchObject({ lastUsedAt: first + LAST_USED_WRITE_INTERVAL_MS + 1 });

      // Revoking drops the last use with the token.
      await revokeApiToken(record.id);
      expect(await peek.tokenTraces(record.id)).toBe(0);
    });
  });

  describe('API token names are unique (across all admins, ignoring case and surrounding spaces)', () => {
    it('a second token with a name in use is refused with 409 and a message naming the holder, and audited as refused', async () => {
      const { token: adminToken } = await issueApiToken(ctxAs('admin', 'boss@x'), { name: 'namer', role: 'admin' });
      const first = await call(tokensRoute.POST, { token: adminToken, method: 'POST', body: JSON.stringify({ name: 'deploy', role: 'operator' }) });
      expect(first.status).toBe(201);
      const holder = await first.json();

      for (const name of ['deploy', ' Deploy ', 'DEPLOY']) {
        const again = await call(tokensRoute.POST, { token: adminToken, method: 'POST', body: JSON.stringify({ name, role: 'viewer' }) });
        expect(again.status, name).toBe(409);
        expect(await again.json()).toEqual({
          error: { code: 'conflict', message: `An API token named "deploy" already exists (${holder.hint}…, created by token:namer): choose another name, or revoke that token first` },
        });
      }
      expect((await listApiTokens()).filter((t) => t.name.toLowerCase() === 'deploy')).toHaveLength(1);
      // One entry stands for the three refusals (refusals aggregate per actor, action and outcome).
      expect((await auditLog()).at(-1)).toMatchObject({ action: 'token.create', outcome: 'refused', actor: 'token:namer', params: { name: 'deploy' }, message: expect.stringMatching(/^An API token named "deploy" already exists/) });
    });

    it('parallel creations of one name: exactly one succeeds, whatever the interleaving', async () => {
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => createApiToken({ name: 'racer', role: 'viewer', createdBy: `admin-${i}@x` })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refusals).toHaveLength(11);
      for (const r of refusals) expect(r.reason).toMatchObject({ status: 409, message: expect.stringMatching(/^An API token named "racer" already exists/) });
      expect((await listApiTokens()).filter((t) => t.name === 'racer')).toHaveLength(1);
    });

    it('revoking a token frees its name; nothing of it is left', async () => {
      const { record } = await createApiToken({ name: 'rotating', role: 'viewer', createdBy: 'admin@x' });
      await expect(createApiToken({ name: 'rotating', role: 'viewer', createdBy: 'admin@x' })).rejects.toMatchObject({ status: 409 });
      await revokeApiToken(record.id);
      expect(await peek.tokenTraces(record.id)).toBe(0);
      const { record: next } = await createApiToken({ name: 'rotating', role: 'viewer', createdBy: 'admin@x' });
      expect(await peek.tokenTraces(next.id)).toBeGreaterThan(0);
      await expect(createApiToken({ name: 'Rotating', role: 'viewer', createdBy: 'admin@x' })).rejects.toMatchObject({ status: 409 });
      await expect(revokeApiToken(record.id)).rejects.toMatchObject({ status: 404 });
    });

    it('the audited verbs issue and revoke tokens', async () => {
      const { token, record } = await issueApiToken(ctxAs('admin', 'boss@x'), { name: 'audited', role: 'viewer' });
      expect((await verifyApiToken(token))?.id).toBe(record.id);
      await revokeToken(ctxAs('admin', 'boss@x'), { id: record.id });
      expect(await verifyApiToken(token)).toBeNull();
      expect((await auditLog('token.')).map((e) => [e.action, e.outcome, e.actor])).toEqual([
        ['token.create', 'ok', 'boss@x'],
        ['token.revoke', 'ok', 'boss@x'],
      ]);
    });

    if (kind === 'redis') {
      it('tokens made before names were indexed (an older Drover) still hold their name', async () => {
        // Written as an older Drover wrote it: the record and its id, no name index entry.
        const legacy = { id: '11111111-1111-4111-8111-111111111111', name: 'Legacy-Bot', role: 'viewer', createdBy: 'old-admin@x', createdAt: Date.now() - 86_400_000, hint: 'drv_OLD1' };
        await c.redis().multi().hset(KEYS.apiTokens, 'legacy-digest', JSON.stringify(legacy)).hset(KEYS.apiTokenIds, legacy.id, 'legacy-digest').exec();
        await expect(createApiToken({ name: 'legacy-bot', role: 'viewer', createdBy: 'admin@x' })).rejects.toThrow(
          'An API token named "Legacy-Bot" already exists (drv_OLD1…, created by old-admin@x): choose another name, or revoke that token first',
        );
        await revokeApiToken(legacy.id);
        expect((await createApiToken({ name: 'legacy-bot', role: 'viewer', createdBy: 'admin@x' })).record.name).toBe('legacy-bot');
        // The index holds one field per live token.
        expect(await c.redis().hlen(KEYS.apiTokenNames)).toBe(await c.redis().hlen(KEYS.apiTokenIds));
      });
    }

    if (kind === 'postgres') {
      it('PostgreSQL: parallel creations of names equal up to case and Unicode forms, with revocations in between: one live token per name', async () => {
        const names = ['Racer', 'RACER', ' racer ', 'ｒａｃｅｒ', 'racer'];
        const first = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => createApiToken({ name: names[i % names.length], role: 'viewer', createdBy: `admin-${i}@x` })));
        const made = first.filter((r) => r.status === 'fulfilled');
        expect(made).toHaveLength(1);
        // Revoke the holder while another burst races for the name: still never two.
        const holder = (made[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof createApiToken>>>).value.record;
        const second = await Promise.allSettled([revokeApiToken(holder.id), ...Array.from({ length: 20 }, (_, i) => createApiToken({ name: names[i % names.length], role: 'viewer', createdBy: 'b@x' }))]);
        expect(second[0].status).toBe('fulfilled');
        expect(second.slice(1).filter((r) => r.status === 'fulfilled').length).toBeLessThanOrEqual(1);
        const live = (await listApiTokens()).filter((t) => t.name.normalize('NFKC').toLowerCase() === 'racer');
        expect(live.length).toBeLessThanOrEqual(1);
        expect((await c.pool().query("SELECT count(*)::int AS n FROM drover.api_token WHERE name_key = 'racer'")).rows[0].n).toBe(live.length);
      });
    }
  });
});

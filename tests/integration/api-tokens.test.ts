// API tokens end to end through the real route handlers (bearer auth needs no session).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs, configureRedisUrl } from '../helpers/console-env';
import { createApiToken, listApiTokens, verifyApiToken } from '@/lib/auth/api-tokens';
import { issueApiToken, revokeToken } from '@/lib/users/commands';
import { closeAllConnections } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import * as meRoute from '@/app/api/v1/me/route';
import * as usersRoute from '@/app/api/v1/users/route';

let redis: TestRedis;
const noParams = { params: Promise.resolve({}) };

function call(handler: (req: Request, ctx: typeof noParams) => Promise<Response>, init: RequestInit & { token?: string; path?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return handler(new Request(`http://console.test${init.path ?? '/api/v1/x'}`, { ...init, headers }), noParams);
}

beforeAll(async () => {
  redis = await startTestRedis();
  await configureRedisUrl(redis.url);
});
afterAll(async () => {
  await closeAllConnections();
  await redis.stop();
});

describe('API tokens', () => {
  it('are stored only as SHA-256 digests and shown once', async () => {
    const { token, record } = await createApiToken({ name: 'ci', role: 'operator', createdBy: 'admin@x' });
    expect(token).toMatch(/^drv_[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(await redis.client().hgetall(KEYS.apiTokens));
    expect(stored).not.toContain(token);
    expect((await verifyApiToken(token))?.id).toBe(record.id);
    expect(JSON.stringify(await listApiTokens())).not.toContain(token);
  });

  it('authenticate /api/v1 requests with the token role, and revocation is immediate', async () => {
    const { token, record } = await issueApiToken(ctxAs('admin'), { name: 'reader', role: 'viewer' });
    const me = await call(meRoute.GET, { token });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ kind: 'token', name: 'token:reader', role: 'viewer' });

    await revokeToken(ctxAs('admin'), { id: record.id });
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
    const { token } = await issueApiToken(ctxAs('admin'), { name: 'low', role: 'operator' });
    expect((await call(usersRoute.GET, { token })).status).toBe(403);
    const res = await call(usersRoute.POST, { token, method: 'POST', body: JSON.stringify({ email: 'x@y', role: 'admin' }) });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toBe('This needs the admin role; you are operator');
    const last = await redis.client().xrevrange(KEYS.audit, '+', '-', 'COUNT', 1);
    expect(JSON.parse(last[0][1][1])).toMatchObject({ action: 'user.add', actor: 'token:low', outcome: 'denied', via: 'api' });
  });

  it('validates bodies: malformed JSON → 400, schema errors name the field, oversized → 413', async () => {
    const { token } = await issueApiToken(ctxAs('admin'), { name: 'admin-bot', role: 'admin' });
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

    const created = await call(usersRoute.POST, { token, method: 'POST', body: JSON.stringify({ email: 'bot-made@y', role: 'viewer' }) });
    expect(created.status).toBe(201);
    expect((await created.json()).user).toMatchObject({ email: 'bot-made@y', role: 'viewer' });
  });
});

// GET /api/health against a real, password-protected Redis that the test then stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureConnections, configureRedisUrl } from '../helpers/console-env';
import { closeAllConnections } from '@/lib/redis/connections';
import { GET, POST } from '@/app/api/health/route';
import { createApiToken } from '@/lib/auth/api-tokens';

const PASSWORD = 'health-test-secret-4f2a';
let redis: TestRedis;
let token: string;
const anonymous = () => new Request('http://console.test/api/health');
const withToken = () => new Request('http://console.test/api/health', { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  redis = await startTestRedis({ extraArgs: ['--requirepass', PASSWORD] });
  await configureRedisUrl(`redis://:${PASSWORD}@127.0.0.1:${redis.port}`);
  ({ token } = await createApiToken({ name: 'monitoring', role: 'viewer', createdBy: 'test' }));
});
afterAll(async () => {
  await closeAllConnections();
  await redis.stop();
});

describe('GET /api/health', () => {
  it('tells an anonymous caller only that it is up, with GET and POST alike', async () => {
    for (const handler of [GET, POST]) {
      const res = await handler(anonymous());
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
  });

  it('is 200 with per-connection status for a token of any role, without the password', async () => {
    const res = await GET(withToken());
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(PASSWORD);
    expect(JSON.parse(text)).toMatchObject({ status: 'ok', connections: [{ name: 'default', store: 'redis', endpoint: `127.0.0.1:${redis.port}`, status: 'up' }] });
  });

  it('refuses a bad token with 401 instead of answering as anonymous', async () => {
    const res = await GET(new Request('http://console.test/api/health', { headers: { authorization: 'Bearer drv_forged' } }));
    expect(res.status).toBe(401);
  });

  it('is 503 naming the connection that is down to a token, and only "degraded" to anyone else', async () => {
    const url = `redis://:${PASSWORD}@127.0.0.1:${redis.port}`;
    await configureConnections([{ name: 'default', url }, { name: 'broken', url: 'redis://127.0.0.1:1' }]);
    const started = Date.now();
    const res = await GET(withToken());
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe('degraded');
    expect(body.connections[1]).toMatchObject({ name: 'broken', endpoint: '127.0.0.1:1', status: 'down' });
    expect(body.connections[1].error).toBeTruthy();
    const anon = await GET(anonymous());
    expect(anon.status).toBe(503);
    expect(await anon.json()).toEqual({ status: 'degraded' });
    await configureRedisUrl(url);
  });

  it('is 503 when Redis is down: "degraded" only for anonymous callers, never an endpoint or error text', async () => {
    await redis.stop();
    const started = Date.now();
    const res = await GET(anonymous());
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'degraded' });
    // A token cannot be checked without the console Redis either: still the anonymous answer, no error text.
    const tokenRes = await GET(withToken());
    expect(tokenRes.status).toBe(503);
    const text = await tokenRes.text();
    expect(text).not.toContain(PASSWORD);
    expect(JSON.parse(text)).toEqual({ status: 'degraded' });
  });
});

// GET /api/health against a real, password-protected Redis that the test then stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureRedisUrl } from '../helpers/console-env';
import { closeAllConnections } from '@/lib/redis/connections';
import { GET } from '@/app/api/health/route';

const PASSWORD = 'health-test-secret-4f2a';
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis({ extraArgs: ['--requirepass', PASSWORD] });
  await configureRedisUrl(`redis://:${PASSWORD}@127.0.0.1:${redis.port}`);
});
afterAll(async () => {
  await closeAllConnections();
  await redis.stop();
});

describe('GET /api/health', () => {
  it('is 200 with per-connection status while Redis answers, without the password', async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(PASSWORD);
    expect(JSON.parse(text)).toMatchObject({ status: 'ok', connections: [{ name: 'default', endpoint: `127.0.0.1:${redis.port}`, status: 'up' }] });
  });

  it('is 503 naming the connection that is down, within seconds', async () => {
    await redis.stop();
    const started = Date.now();
    const res = await GET();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain(PASSWORD);
    const body = JSON.parse(text);
    expect(body.status).toBe('degraded');
    expect(body.connections[0]).toMatchObject({ name: 'default', status: 'down' });
    expect(body.connections[0].error).toBeTruthy();
  });
});

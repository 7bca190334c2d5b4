// Real processes killed for real: Redis goes away and comes back, the console restarts under open
// SSE streams. Uses its own Redis and console so the other specs are not disturbed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { gotoHydrated, stretched } from './support';
import { startConsole, waitHealthy } from './console-process';
import { Queue } from 'bullmq';
import { startRedisServer, type RedisServerHandle } from '../../lib/embedded/redis-server.mjs';

const ADMIN = { email: 'faults@e2e.test', password: 'faults password 1' };

function faultConsole(port: number, redisUrl: string, dataDir: string) {
  return startConsole(
    port,
    { REDIS_URL: redisUrl, DROVER_ADMIN_EMAIL: ADMIN.email, DROVER_ADMIN_PASSWORD: ADMIN.password, AUTH_SECRET: 'faults-secret-0123456789', LOG_LEVEL: 'error' },
    dataDir,
  );
}

test('Redis down: banner within seconds, last data kept, recovery without restart; console restart: SSE reconnects and resumes', async ({ browser }) => {
  test.setTimeout(stretched(300_000));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-faults-'));
  let redis: RedisServerHandle = await startRedisServer({ dir: path.join(dir, 'redis'), persistent: true });
  const port = Number(process.env.E2E_PORT) + 3;
  const base = `http://localhost:${port}`;
  let console_ = faultConsole(port, redis.url, dir);
  const queue = new Queue('faulty', { connection: { url: redis.url, maxRetriesPerRequest: null, retryStrategy: () => 200 } });
  queue.on('error', () => {});
  try {
    await queue.addBulk(Array.from({ length: 7 }, (_, i) => ({ name: 'x', data: { i } })));
    await waitHealthy(console_);

    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    await gotoHydrated(page, '/signin');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
    const row = page.getByTestId('overview-table').getByRole('row', { name: /faulty/ });
    await expect(row).toContainText('7');

    // Redis dies: the banner says so within seconds and the page keeps its data.
    await redis.stop('SIGKILL');
    const downAt = Date.now();
    await expect(page.getByTestId('redis-banner')).toBeVisible({ timeout: 15_000 });
    expect(Date.now() - downAt).toBeLessThan(15_000);
    await expect(page.getByTestId('redis-banner')).toContainText('Redis unreachable: default');
    await expect(row).toContainText('7');

    // Redis comes back on the same port with its AOF: the console recovers by itself.
    redis = await startRedisServer({ dir: path.join(dir, 'redis'), port: redis.port, persistent: true });
    await expect(page.getByTestId('redis-banner')).toBeHidden({ timeout: 20_000 });
    await queue.add('after-recovery', {});
    await expect(row).toContainText('8', { timeout: 15_000 });

    // The console restarts while the queue page holds an SSE stream: it reconnects and resumes.
    await page.goto('/connections/default/queues/faulty');
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
    await console_.stop();
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'reconnecting', { timeout: 10_000 });
    console_ = faultConsole(port, redis.url, dir);
    await waitHealthy(console_);
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
    await queue.add('after-restart', {});
    await expect(page.getByTestId('count-waiting')).toHaveText('9', { timeout: 15_000 });
    await context.close();
  } finally {
    await queue.close().catch(() => {});
    await console_.stop();
    await redis.stop();
  }
});

// A console that stops (SIGTERM: a deploy, a scale-down) hands the metrics sampler over at once: it
// releases the sampler's lease on its way out, so another replica samples at its next tick instead of
// waiting for the lease to expire (3 intervals: 30 s at the default 10 s, with no samples and no
// alert evaluation meanwhile). Found by `npm run bench:scale`'s replicas dimension.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import IORedis from 'ioredis';
import { freePort, startRedisServer } from '../../lib/embedded/redis-server.mjs';
import { startConsole, waitHealthy } from './console-process';
import { stretched } from './support';

const LOCK = 'drover:{console}:metrics:sampler-lock';

test('a console stopped with SIGTERM releases the metrics sampler lease before it exits', async () => {
  test.setTimeout(stretched(300_000));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-handover-'));
  const server = await startRedisServer({ dir: path.join(dir, 'redis') });
  const redis = new IORedis(server.url, { maxRetriesPerRequest: null });
  const port = await freePort();
  // A long interval: the lease (3 intervals) would outlive the test by far if nobody released it.
  const console1 = startConsole(port, { REDIS_URL: server.url, DROVER_CONFIG: undefined, AUTH_SECRET: 'handover-secret-0123456789abcdef', DROVER_SAMPLE_INTERVAL_MS: '60000', LOG_LEVEL: 'error' });
  try {
    await waitHealthy(console1);
    // The console takes the lease at its first tick.
    await expect.poll(async () => redis.get(LOCK), { timeout: 60_000 }).not.toBeNull();
    expect(await redis.pttl(LOCK)).toBeGreaterThan(60_000);
    await console1.stop();
    expect(console1.child.exitCode ?? console1.child.signalCode, console1.output()).not.toBeNull();
    // Released by the stopping console, not left to expire.
    expect(await redis.get(LOCK)).toBeNull();
  } finally {
    await console1.stop();
    redis.disconnect();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The server Playwright tests run against: a password-protected redis-server (so tests can prove the
// password never leaks), then the console started the way `npm start` starts it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startRedisServer } from './lib/redis-server.mjs';
import { root } from './lib/setup.mjs';

const env = process.env;
const dataDir = env.E2E_DATA_DIR;
fs.mkdirSync(dataDir, { recursive: true });

const redis = await startRedisServer({
  dir: path.join(dataDir, 'redis'),
  extraArgs: ['--requirepass', env.E2E_REDIS_PASSWORD],
});
const redisUrl = `redis://:${env.E2E_REDIS_PASSWORD}@127.0.0.1:${redis.port}`;
// Specs read this to seed queues with BullMQ directly.
fs.writeFileSync(path.join(dataDir, 'e2e-redis-url'), redisUrl);

const child = spawn(process.execPath, ['scripts/start.mjs'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...env,
    PORT: env.E2E_PORT,
    REDIS_URL: redisUrl,
    DROVER_DATA_DIR: dataDir,
    DROVER_SKIP_INSTALL: '1',
    DROVER_SKIP_BUILD: '1',
    DROVER_WORKERS: 'off',
    DROVER_SEED: 'off',
    AUTH_SECRET: env.E2E_AUTH_SECRET,
    DROVER_ADMIN_EMAIL: 'admin@e2e.test',
    DROVER_ADMIN_PASSWORD: env.E2E_ADMIN_PASSWORD,
    LOG_LEVEL: 'error',
    // Specs play clients on many addresses through X-Forwarded-For, as if behind one proxy; without
    // it every spec would share the loopback address's sign-in window (signin-limits.spec.ts proves
    // the default on a console of its own).
    DROVER_TRUSTED_PROXIES: '1',
    // Frequent samples: charts fill within the test, and the multi-replica spec can count them.
    DROVER_SAMPLE_INTERVAL_MS: '1000',
    // The alert specs' webhook receivers listen on 127.0.0.1 (refused by default; its Redis port stays refused).
    DROVER_EGRESS_ALLOW: '127.0.0.1',
  },
});

const shutdown = async (code) => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  await redis.stop();
  process.exit(code);
};
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
child.on('exit', (code) => shutdown(code ?? 1));

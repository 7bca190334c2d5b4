// The server Playwright tests run against: a password-protected redis-server (so tests can prove the
// password never leaks), a password-protected PostgreSQL with BullMQ's schema, then the console started
// the way `npm start` starts it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue, createPostgresBackend } from 'bullmq';
import { startRedisServer } from '../lib/embedded/redis-server.mjs';
import { startPostgresServer } from '../lib/embedded/postgres-server.mjs';
import { root } from './lib/setup.mjs';
import { ProgressWatch } from './lib/process-progress.mjs';

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

// Specs find the password in e2e-postgres-url and prove it never shows.
const postgresPassword = env.E2E_POSTGRES_PASSWORD || `e2e-pg-${randomBytes(8).toString('hex')}`;
// Its own directory under the system's temporary one, not under E2E_DATA_DIR (0700): as root, PostgreSQL
// runs as the user "postgres", who must reach it. Removed on shutdown, and by a detached watcher once this
// process is gone: Playwright ends its webServer with SIGKILL, so no shutdown code of ours runs then.
const postgresDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-e2e-pg-'));
spawn('sh', ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; sleep 2; rm -rf "$2"', 'sh', String(process.pid), postgresDir], {
  detached: true,
  stdio: 'ignore',
}).unref();
const postgres = await startPostgresServer({ dir: postgresDir, password: postgresPassword, removeDir: true });
// BullMQ's schema, created the way an application using BullMQ on PostgreSQL creates it: the console
// only reads and writes it.
const schema = new Queue('__schema', { connection: { connectionString: postgres.url, migrate: true }, skipMetasUpdate: true }, createPostgresBackend);
await schema.waitUntilReady();
await schema.close();
// Specs read this to seed PostgreSQL queues with BullMQ directly. Not the shared console's DATABASE_URL:
// postgres-browse.spec.ts starts a console of its own with it, so the other specs keep seeing one
// connection.
fs.writeFileSync(path.join(dataDir, 'e2e-postgres-url'), postgres.url);

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
    // p95 objectives re-read every 2 s (default a minute): the queue page's p95 charts fill within the test.
    DROVER_OBJECTIVE_EVERY_MS: '2000',
    // The alert specs' webhook receivers listen on 127.0.0.1 (refused by default; its Redis port stays refused).
    DROVER_EGRESS_ALLOW: '127.0.0.1',
  },
});

const shutdown = async (code) => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  await Promise.allSettled([redis.stop(), postgres.stop()]);
  process.exit(code);
};
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
child.on('exit', (code) => shutdown(code ?? 1));

// Playwright waits for /api/health up to its webServer timeout, an outer bound (playwright.config.ts):
// a loaded machine starts the console slowly, and that is not a failure. A console that stops getting
// anywhere is: under a second of CPU in its process tree for STALL_MS while health does not answer ends
// the start here, with the reason, instead of at that bound.
const STALL_MS = 90_000;
const watch = new ProgressWatch(child.pid);
const health = `http://127.0.0.1:${env.E2E_PORT}/api/health`;
while (child.exitCode === null) {
  if (await fetch(health, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false)) break;
  if (!watch.progressed() && watch.stalledForMs > STALL_MS) {
    console.error(`[e2e-server] the console made no progress for ${Math.round(watch.stalledForMs / 1000)} s (${Math.round(watch.cpuSinceProgressMs)} ms CPU) and /api/health does not answer: giving up`);
    await shutdown(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}

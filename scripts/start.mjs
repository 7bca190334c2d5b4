#!/usr/bin/env node
// `npm start`: install if needed, build if needed, embedded Redis when nothing is configured (neither
// REDIS_URL, DATABASE_URL nor a config file),
// then the console and the bundled workers. Ctrl-C stops everything (Redis last, AOF flushed).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root, ensureNodeModules, buildIsStale, buildApp, TSX } from './lib/setup.mjs';
import { startRedisServer } from '../lib/embedded/redis-server.mjs';
import { writeRuntime, clearRuntime, runningEmbeddedRedis } from '../lib/embedded/embedded-runtime.mjs';

const log = (msg) => console.log(`[drover] ${msg}`);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const port = Number(env.PORT || 3000);
const dataDir = path.resolve(root, env.DROVER_DATA_DIR || '.data');
env.DROVER_DATA_DIR = dataDir;
/** The embedded redis-server, once started: stopped last on every way out. */
let redis;

class ExitError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** Runs scripts/preflight.ts; it prints its own error, so a failure carries only the exit code. */
function preflight(command, extraEnv = {}) {
  const r = spawnSync(process.execPath, [...TSX, 'scripts/preflight.ts', command], {
    cwd: root,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new ExitError('', r.status ?? 1);
  return r.stdout;
}

async function stopRedis() {
  if (!redis) return;
  await redis.stop();
  clearRuntime(dataDir);
}

async function main() {
  if (!env.DROVER_SKIP_INSTALL) ensureNodeModules(log);
  if (!env.DROVER_SKIP_BUILD && buildIsStale()) buildApp(log);

  // DATABASE_URL alone is a deployment on PostgreSQL only: queues and Drover's own data (schema
  // "drover") there, no Redis at all. Only with nothing configured is a Redis embedded.
  const config = JSON.parse(preflight('check-config'));
  if (config.source === 'none') {
    const other = await runningEmbeddedRedis(dataDir);
    if (other) {
      throw new ExitError(
        `${dataDir.startsWith(root + path.sep) ? path.relative(root, dataDir) : dataDir} is in use: its embedded Redis runs on port ${other.port} (pid ${other.redisPid}), ` +
          `started by another \`npm start\` (pid ${other.pid}). Stop that one first; if it was killed and left Redis behind, \`kill ${other.redisPid}\` ` +
          '(Redis saves its data on SIGTERM). Two servers on one data directory would corrupt it.',
        1,
      );
    }
    // Detached: Ctrl-C reaches the console and the workers, not Redis; stopAll stops it after them.
    redis = await startRedisServer({ dir: path.join(dataDir, 'redis'), persistent: true, detached: true, log });
    env.REDIS_URL = redis.url;
    writeRuntime(dataDir, { url: redis.url, port: redis.port, pid: process.pid, redisPid: redis.pid });
    log(`embedded Redis on ${redis.url} (data in ${path.relative(root, redis.dir) || redis.dir})`);
    // The demo webhooks deliver to this console's own /api/health: the egress policy refuses loopback
    // unless allowed, so the embedded default allows exactly this origin (not the rest of loopback).
    const own = `127.0.0.1:${port}`;
    env.DROVER_EGRESS_ALLOW = [env.DROVER_EGRESS_ALLOW, own].filter(Boolean).join(',');
    log(`egress: allowing the console's own origin ${own} for the demo webhooks (DROVER_EGRESS_ALLOW=${env.DROVER_EGRESS_ALLOW})`);
  } else {
    log(`connections: ${config.connections.map((c) => `${c.name} (${c.endpoint})`).join(', ')}`);
  }

  const children = [];
  let stopping = false;
  let seeded = Promise.resolve();
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    const waits = children.filter((c) => c.exitCode === null && c.signalCode === null).map(
      (c) => new Promise((resolve) => {
        c.once('exit', resolve);
        c.kill('SIGTERM');
        setTimeout(() => c.kill('SIGKILL'), 35_000).unref();
      }),
    );
    await Promise.all(waits);
    await stopRedis();
    log(`stopped${redis ? ' (embedded Redis saved and stopped)' : ''}`);
    process.exit(code);
  };
  // SIGHUP too (terminal closed): Redis runs detached and would otherwise be left behind.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(0));

  const bootstrapped = preflight('bootstrap');
  process.stdout.write(bootstrapped);
  env.AUTH_SECRET ||= fs.readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim();
  env.NEXTAUTH_URL ||= `http://localhost:${port}`;

  // The worker runtime's exit code after the console's worker control asked it to stop
  // (WORKERS_STOPPED_EXIT_CODE in lib/worker-control/control-message.ts): the console keeps running.
  const WORKERS_STOPPED_EXIT_CODE = 75;
  const start = (name, args, { essential = true } = {}) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    children.push(child);
    // The one-off seed may end; the console and the workers must not.
    if (!essential) return child;
    child.once('exit', (code, signal) => {
      if (!stopping && name === 'workers' && code === WORKERS_STOPPED_EXIT_CODE) {
        log('workers stopped from the console (Workers › Stop); the console keeps running. Restart `npm start` (or run `npm run workers`) to run jobs again');
        return;
      }
      if (!stopping) {
        log(`${name} exited (${signal ?? code}); stopping the rest`);
        stopAll(code || 1);
      }
    });
    return child;
  };

  // scripts/server.mjs, not `next start`: it passes each request's TCP peer to the sign-in limits.
  env.PORT = String(port);
  start('console', ['scripts/server.mjs']);
  if (env.DROVER_WORKERS !== 'off') start('workers', [...TSX, 'workers/main.ts', ...(env.DROVER_WORKERS ? env.DROVER_WORKERS.split(',') : [])]);
  if (config.source === 'none' && env.DROVER_SEED !== 'off') {
    // Tracked with the others, so stopping waits for it before Redis goes.
    const seed = start('seed', [...TSX, 'scripts/seed.ts', '--if-empty', '--settle'], { essential: false });
    seeded = new Promise((resolve) => seed.once('exit', resolve)).then((code) => code && log(`demo seed exited with ${code}`));
  }
  await untilAnswering(() => stopping);
  if (stopping) return;
  log(`ready: console on http://localhost:${port}`);
  // The first admin's password scrolls away under the workers' logs of the demo jobs: said again
  // once the console answers and the workers have taken the demo jobs that are due now.
  if (bootstrapped.includes('First run')) {
    await seeded;
    if (stopping) return;
    log('the first admin, repeated from above (forgot the password later? npm run users -- passwd <email>):');
    process.stdout.write(bootstrapped);
  }
}

/** Until the console answers /api/health (or the start is given up): waits for the answer, not for a time. */
async function untilAnswering(givenUp) {
  const host = env.HOSTNAME_BIND && env.HOSTNAME_BIND !== '0.0.0.0' && env.HOSTNAME_BIND !== '::' ? env.HOSTNAME_BIND : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/api/health`;
  while (!givenUp()) {
    const answered = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(() => true, () => false);
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

main().catch(async (err) => {
  if (err.message) console.error(`[drover] ${err.message}`);
  await stopRedis().catch(() => {});
  process.exit(err instanceof ExitError ? err.code : 1);
});

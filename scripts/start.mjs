#!/usr/bin/env node
// `npm start`: install if needed, build if needed, embedded Redis when none is configured,
// then the console and the bundled workers. Ctrl-C stops everything (Redis last, AOF flushed).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root, ensureNodeModules, buildIsStale, buildApp, TSX } from './lib/setup.mjs';
import { startRedisServer } from './lib/redis-server.mjs';
import { writeRuntime, clearRuntime } from './lib/embedded-runtime.mjs';

const log = (msg) => console.log(`[drover] ${msg}`);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const port = Number(env.PORT || 3000);
const dataDir = path.resolve(root, env.DROVER_DATA_DIR || '.data');
env.DROVER_DATA_DIR = dataDir;

function preflight(command, extraEnv = {}) {
  const r = spawnSync(process.execPath, [...TSX, 'scripts/preflight.ts', command], {
    cwd: root,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r.stdout;
}

async function main() {
  if (!env.DROVER_SKIP_INSTALL) ensureNodeModules(log);
  if (!env.DROVER_SKIP_BUILD && buildIsStale()) buildApp(log);

  const config = JSON.parse(preflight('check-config'));
  let redis;
  if (config.source === 'none') {
    redis = await startRedisServer({ dir: path.join(dataDir, 'redis'), persistent: true, log });
    env.REDIS_URL = redis.url;
    writeRuntime(dataDir, { url: redis.url, port: redis.port, pid: process.pid });
    log(`embedded Redis on ${redis.url} (data in ${path.relative(root, redis.dir) || redis.dir})`);
  } else {
    log(`connections: ${config.connections.map((c) => `${c.name} (${c.endpoint})`).join(', ')}`);
  }

  const children = [];
  let stopping = false;
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
    if (redis) {
      await redis.stop();
      clearRuntime(dataDir);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  try {
    process.stdout.write(preflight('bootstrap'));
  } catch (err) {
    if (redis) await redis.stop();
    throw err;
  }
  env.AUTH_SECRET ||= fs.readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim();
  env.NEXTAUTH_URL ||= `http://localhost:${port}`;

  const start = (name, args) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        log(`${name} exited (${signal ?? code}); stopping the rest`);
        stopAll(code || 1);
      }
    });
    children.push(child);
    return child;
  };

  start('console', ['node_modules/next/dist/bin/next', 'start', '-p', String(port), ...(env.HOSTNAME_BIND ? ['-H', env.HOSTNAME_BIND] : [])]);
  if (env.DROVER_WORKERS !== 'off') start('workers', [...TSX, 'workers/main.ts', ...(env.DROVER_WORKERS ? env.DROVER_WORKERS.split(',') : [])]);
  if (config.source === 'none' && env.DROVER_SEED !== 'off') {
    const seed = spawn(process.execPath, [...TSX, 'scripts/seed.ts', '--if-empty'], { cwd: root, env, stdio: 'inherit' });
    seed.on('exit', (code) => code && log(`demo seed exited with ${code}`));
  }
  log(`console on http://localhost:${port}`);
}

main().catch((err) => {
  console.error(`[drover] ${err.message}`);
  process.exit(1);
});

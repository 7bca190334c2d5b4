// The two servers under test, each in its own process on the same Redis (or the same PostgreSQL): Drover as `npm start` serves it (scripts/server.mjs)
// (production build) and Bull Board on Express.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../lib/embedded/redis-server.mjs';
import { root } from './build';
import { waitForHttp } from './http';
import { startProcess, waitForLine, type Started } from './processes';

export type Server = { base: string; process: Started; logFile: string };

/**
 * Drover's config for the run: one connection "default" on the benchmark Redis (the console
 * connection), and with `postgresUrl` a second connection "postgres" on the benchmark PostgreSQL.
 */
export function writeDroverConfig(dir: string, redisUrl: string, postgresUrl?: string): string {
  const file = path.join(dir, 'drover.config.json');
  const connections: Array<{ name: string; url: string }> = [{ name: 'default', url: redisUrl }];
  if (postgresUrl) connections.push({ name: 'postgres', url: postgresUrl });
  fs.writeFileSync(file, JSON.stringify({ connections, consoleConnection: 'default' }));
  return file;
}

/**
 * Drover's production build on a free port. `opts.env` adds environment (e.g. a sampling interval),
 * `opts.nodeArgs` Node flags (e.g. --cpu-prof), `opts.name` names its log file.
 */
export async function startDrover(dir: string, configFile: string, opts: { env?: Record<string, string>; nodeArgs?: string[]; name?: string } = {}): Promise<Server> {
  const port = await freePort();
  const logFile = path.join(dir, `${opts.name ?? 'drover'}.log`);
  const out = fs.openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXT_DIST_DIR: process.env.NEXT_DIST_DIR || '.next',
    DROVER_CONFIG: configFile,
    DROVER_DATA_DIR: path.join(dir, 'data'),
    AUTH_SECRET: crypto.randomBytes(32).toString('hex'),
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    // The fan-out phase opens BENCH_SSE_CLIENTS live streams with one token: above the default caps.
    DROVER_SSE_MAX_STREAMS_PER_USER: process.env.DROVER_SSE_MAX_STREAMS_PER_USER ?? '1000',
    DROVER_SSE_MAX_STREAMS: process.env.DROVER_SSE_MAX_STREAMS ?? '1000',
    ...opts.env,
  };
  delete env.REDIS_URL;
  // The server `npm start` runs (scripts/server.mjs: Next's handler behind a plain node:http server
  // that records each request's socket address for the sign-in limits).
  env.PORT = String(port);
  env.HOSTNAME_BIND = '127.0.0.1';
  const started = startProcess(opts.name ?? 'drover', process.execPath, [...(opts.nodeArgs ?? []), 'scripts/server.mjs'], {
    cwd: root,
    env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const base = `http://127.0.0.1:${port}`;
  let alive = true;
  started.exited.then(() => (alive = false));
  // Generous: a loaded 2-core machine may take a minute or more to start it (a dead process fails at once).
  await waitForHttp(`${base}/api/health`, 240_000, () => alive).catch((err: Error) => {
    throw new Error(`${err.message}; see ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
  });
  return { base, process: started, logFile };
}

/** Bull Board on `url`: a redis:// URL, or a postgres:// URL for BullMQ's PostgreSQL backend. */
export async function startBullBoard(dir: string, redisUrl: string, queues: string[]): Promise<Server> {
  const port = await freePort();
  const logFile = path.join(dir, 'bull-board.log');
  const err = fs.openSync(logFile, 'a');
  const started = startProcess('bull-board', process.execPath, ['--import', 'tsx', 'bench/peer-bull-board.ts', redisUrl, String(port), ...queues], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', err],
  });
  fs.closeSync(err);
  await waitForLine(started, /READY (\d+)/, 60_000);
  // Keep draining stdout so the peer never blocks on a full pipe.
  started.child.stdout?.resume();
  return { base: `http://127.0.0.1:${port}`, process: started, logFile };
}

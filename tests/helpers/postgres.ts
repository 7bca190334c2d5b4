// A private PostgreSQL per test file: free loopback port, temp dir, stopped or killed for real by fault tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startPostgresServer as start } from '../../lib/embedded/postgres-server.mjs';

export type TestPostgres = {
  /** postgres://drover[:password]@127.0.0.1:<port>/drover */
  url: string;
  port: number;
  dir: string;
  /** The postmaster's pid (changes on restart()). */
  readonly pid: number;
  /** Final: closes the pools, stops the server (SIGINT = fast shutdown by default) and removes the temp dir it created. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** Stops the server (with `signal`, default SIGINT; SIGKILL = crash) and starts it again on the same port and data. Pools reconnect. */
  restart: (opts?: { signal?: NodeJS.Signals }) => Promise<void>;
  /** Stops the server without ending the test's use of it (fault tests): restart() brings it back. */
  kill: (signal?: NodeJS.Signals) => Promise<void>;
  /** A fresh pg.Pool to this server (closed by stop()). */
  pool: (config?: pg.PoolConfig) => pg.Pool;
};

export async function startTestPostgres(opts: { password?: string; dir?: string; port?: number; extraArgs?: string[] } = {}): Promise<TestPostgres> {
  // Under os.tmpdir() (mode 1777): reachable by the user postgres, which the server runs as when the tests run as root.
  const ownDir = !opts.dir;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'drover-pg-'));
  const server = await start({ dir, port: opts.port, password: opts.password, extraArgs: opts.extraArgs ?? [] });
  const pools: pg.Pool[] = [];
  return {
    url: server.url,
    port: server.port,
    dir,
    get pid() {
      return server.pid;
    },
    pool: (config = {}) => {
      const p = new pg.Pool({ connectionString: server.url, max: 5, ...config });
      // Idle clients error when the server stops or restarts: the pool drops them and connects again.
      p.on('error', () => {});
      pools.push(p);
      return p;
    },
    kill: (signal = 'SIGKILL') => server.stop(signal, { removeDir: false }),
    restart: (o) => server.restart(o),
    stop: async (signal = 'SIGINT') => {
      await Promise.all(pools.splice(0).map((p) => p.end().catch(() => {})));
      await server.stop(signal, { removeDir: ownDir });
    },
  };
}

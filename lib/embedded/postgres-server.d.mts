import type { ChildProcess } from 'node:child_process';

/** The directory holding initdb, pg_ctl, postgres, pg_isready and createdb (installs Debian's `postgresql` as root when missing, else throws). */
export function ensurePostgresBinaries(opts?: { log?: (msg: string) => void }): string;
export type PostgresServerHandle = {
  /** postgres://drover[:password]@127.0.0.1:<port>/drover */
  url: string;
  port: number;
  dir: string;
  dataDir: string;
  /** The server's stderr (and the start attempts), for error messages. */
  logFile: string;
  /** The postmaster's pid; changes on restart(). */
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves when the current postmaster exits; a new promise after restart(). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * SIGINT (default): fast shutdown, waits for the exit. SIGQUIT: immediate shutdown. SIGKILL: a crash (its
   * backends are killed too). removeDir (default: the start option) deletes `dir` afterwards.
   */
  stop(signal?: NodeJS.Signals, opts?: { removeDir?: boolean }): Promise<void>;
  /** Stops the server if running (with `signal`, default SIGINT) and starts it again on the same port and data. */
  restart(opts?: { signal?: NodeJS.Signals }): Promise<void>;
};
export function startPostgresServer(opts: {
  dir: string;
  port?: number;
  /** md5 authentication with this password for the superuser `drover` (otherwise trust). */
  password?: string;
  /** stop() deletes `dir` (default false, like redis-server.mjs which keeps its dir). */
  removeDir?: boolean;
  /** More postgres arguments, e.g. ['-c', 'max_locks_per_transaction=256']. */
  extraArgs?: string[];
  readyTimeoutMs?: number;
  log?: (msg: string) => void;
}): Promise<PostgresServerHandle>;

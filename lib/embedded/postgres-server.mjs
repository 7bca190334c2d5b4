// Starts and stops private PostgreSQL servers (tests, benchmarks, later `npm start`), like redis-server.mjs. No npm deps.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './redis-server.mjs';

const DB = 'drover';
const USER = 'drover';

/** Servers still running, stopped (immediate shutdown) when this process exits so none outlives it. */
const live = new Set();
let exitHookInstalled = false;
function trackUntilExit(child) {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) {
        try {
          c.kill('SIGQUIT'); // immediate shutdown: the postmaster stops its backends and exits on its own
        } catch {
          /* already gone */
        }
      }
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

function which(bin) {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const REQUIRED = ['initdb', 'pg_ctl', 'postgres', 'pg_isready', 'createdb'];
const hasAll = (dir) => REQUIRED.every((b) => fs.existsSync(path.join(dir, b)));

function findBinDir() {
  if (process.env.PG_BIN_DIR) return hasAll(process.env.PG_BIN_DIR) ? process.env.PG_BIN_DIR : null;
  const root = '/usr/lib/postgresql';
  let versions = [];
  try {
    versions = fs.readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    /* not Debian's layout */
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (hasAll(dir)) return dir;
  }
  const initdb = which('initdb');
  if (initdb) {
    const dir = path.dirname(fs.realpathSync(initdb));
    if (hasAll(dir)) return dir;
    if (hasAll(path.dirname(initdb))) return path.dirname(initdb);
  }
  return null;
}

/**
 * The directory of PostgreSQL's server binaries (initdb, pg_ctl, postgres, pg_isready, createdb):
 * $PG_BIN_DIR, else the highest /usr/lib/postgresql/<version>/bin, else the one of `initdb` on PATH.
 * When missing: installs Debian's `postgresql` package as root on Debian/Ubuntu, otherwise throws
 * with the package to install.
 */
export function ensurePostgresBinaries({ log = console.log } = {}) {
  const found = findBinDir();
  if (found) return found;
  if (process.env.PG_BIN_DIR) {
    throw new Error(`PG_BIN_DIR=${process.env.PG_BIN_DIR} does not hold PostgreSQL's server binaries (${REQUIRED.join(', ')}).`);
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && which('apt-get')) {
    log('PostgreSQL not found: installing the Debian package "postgresql" (apt-get)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: 'inherit', env });
    const after = findBinDir();
    if (update.status === 0 && install.status === 0 && after) return after;
  }
  throw new Error(
    'PostgreSQL (initdb, pg_ctl, postgres) is not installed. Install the "postgresql" package (Debian/Ubuntu: sudo apt-get install postgresql; ' +
      'macOS: brew install postgresql@16), or set PG_BIN_DIR to the directory holding initdb.',
  );
}

/** PostgreSQL refuses to run as root: as root, its commands run as the user `postgres` (uid/gid of the spawn). */
function runAsOptions() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const u = id('-u');
  const g = id('-g');
  if (u.status !== 0 || g.status !== 0) {
    throw new Error('running as root, but there is no user "postgres" to run PostgreSQL as (PostgreSQL refuses to run as root); create it or run as another user');
  }
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const pgEnv = (extra = {}) => {
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C', ...extra };
  // An inherited PGDATA/PGHOST/… must not redirect our commands.
  for (const k of ['PGDATA', 'PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGSERVICE', 'PGPASSFILE', 'PGOPTIONS']) delete env[k];
  if (!('PGPASSWORD' in extra)) delete env.PGPASSWORD;
  return env;
};

/**
 * Resolves true once pg_isready says the server accepts connections, false if the child exited, rejects
 * after timeoutMs. Asked through the server's own Unix socket in `socketDir`, not 127.0.0.1:port: there,
 * another server already on the port would answer for one that failed to bind. PostgreSQL creates its
 * Unix socket after its TCP one, so an answer there means the port is ours too.
 */
function waitUntilReady(bin, socketDir, port, child, exitedFlag, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (exitedFlag.done || child.exitCode !== null || child.signalCode !== null) return resolve(false);
      const probe = spawn(path.join(bin, 'pg_isready'), ['-q', '-h', socketDir, '-p', String(port), '-t', '2'], { stdio: 'ignore', env: pgEnv() });
      probe.once('error', (e) => reject(e));
      probe.once('exit', (code) => {
        if (code === 0) resolve(true);
        else if (Date.now() > deadline) reject(new Error(`PostgreSQL on port ${port} did not accept connections within ${timeoutMs} ms (pg_isready: ${code})`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function isGone(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  // A zombie (reparented to a PID 1 that does not reap) holds no resources.
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function childPids(pid) {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean).map(Number) : [];
}

/**
 * Starts PostgreSQL on a free loopback port with its data in `<dir>/data` (initdb'd on first use) and a
 * database `drover` owned by the superuser `drover`; trust authentication, or md5 when `password` is
 * given. Tuned for throwaway data (fsync off). The handle's stop(): SIGINT = fast shutdown (default),
 * SIGQUIT = immediate, SIGKILL = crash (its backends are killed too); restart() starts it again on the
 * same port and data. The log is `<dir>/postgres.log`.
 */
export async function startPostgresServer({ dir, port, password, removeDir = false, extraArgs = [], readyTimeoutMs = 30000, log = () => {} } = {}) {
  if (!dir) throw new Error('startPostgresServer: dir is required');
  const bin = ensurePostgresBinaries({ log });
  const runAs = runAsOptions();
  dir = path.resolve(dir);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  fs.mkdirSync(dir, { recursive: true });
  if (runAs.uid !== undefined) {
    fs.chownSync(dir, runAs.uid, runAs.gid);
    const check = spawnSync('sh', ['-c', 'test -w "$1" && test -x "$1"', 'sh', dir], { ...runAs });
    if (check.status !== 0) {
      throw new Error(`${dir} is not writable by the user "postgres" (PostgreSQL refuses to run as root): use a directory under ${path.dirname(dir)} that user can reach (e.g. under os.tmpdir()), or chmod its parents`);
    }
  }

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const args = ['-D', dataDir, '-U', USER, '--encoding=UTF8', '--locale=C', '--no-sync'];
    let pwfile = null;
    if (password) {
      pwfile = path.join(dir, 'pwfile');
      fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
      if (runAs.uid !== undefined) fs.chownSync(pwfile, runAs.uid, runAs.gid);
      args.push('-A', 'md5', `--pwfile=${pwfile}`);
    } else args.push('--auth=trust');
    log(`initdb ${dataDir}`);
    const r = spawnSync(path.join(bin, 'initdb'), args, { cwd: dir, env: pgEnv(), encoding: 'utf8', ...runAs });
    if (pwfile) fs.rmSync(pwfile, { force: true });
    fs.writeFileSync(path.join(dir, 'initdb.log'), `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`);
    if (r.status !== 0) {
      throw new Error(`initdb failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}): ${tail(path.join(dir, 'initdb.log'))}`);
    }
  }

  let current = null; // { child, pid, exited }
  let chosenPort = null;
  let removed = false;

  const launch = async (p) => {
    const args = [
      '-D', dataDir,
      '-p', String(p),
      '-k', dir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=64MB',
      '-c', 'log_min_duration_statement=-1',
      ...extraArgs,
    ];
    fs.appendFileSync(logFile, `--- ${new Date().toISOString()} starting on port ${p}\n`);
    const out = fs.openSync(logFile, 'a');
    let child;
    try {
      child = spawn(path.join(bin, 'postgres'), args, { cwd: dir, stdio: ['ignore', out, out], env: pgEnv(), ...runAs });
    } finally {
      fs.closeSync(out);
    }
    const exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      // A failed spawn emits no exit: report it as one, with the reason in the log.
      child.once('error', (e) => {
        fs.appendFileSync(logFile, `spawn failed: ${e.message}\n`);
        resolve({ code: null, signal: null });
      });
    });
    trackUntilExit(child);
    const exitedFlag = { done: false };
    exited.then(() => (exitedFlag.done = true));
    const ready = await waitUntilReady(bin, dir, p, child, exitedFlag, readyTimeoutMs).catch((err) => {
      child.kill('SIGKILL');
      throw new Error(`${err.message}\n${tail(logFile)}`);
    });
    if (ready) return { child, pid: child.pid, exited };
    const { code, signal } = await exited;
    const why = tail(logFile);
    const err = new Error(`postgres exited before accepting connections (code ${code}, signal ${signal}): ${why}`);
    err.portInUse = /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(why);
    throw err;
  };

  for (let attempt = 0; attempt < 5 && !current; attempt++) {
    const p = port ?? (await freePort());
    try {
      current = await launch(p);
      chosenPort = p;
    } catch (err) {
      if (port || !err.portInUse || attempt === 4) throw err;
      log(`port ${p} taken, trying another`);
    }
  }

  const env = password ? { PGPASSWORD: password } : {};
  const cd = spawnSync(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(chosenPort), '-U', USER, DB], { env: pgEnv(env), encoding: 'utf8' });
  if (cd.status !== 0 && !/already exists/.test(cd.stderr ?? '')) {
    current.child.kill('SIGQUIT');
    await current.exited;
    throw new Error(`createdb ${DB} failed: ${cd.stderr || cd.error}`);
  }

  const url = `postgres://${password ? `${USER}:${encodeURIComponent(password)}` : USER}@127.0.0.1:${chosenPort}/${DB}`;
  const running = () => current && current.child.exitCode === null && current.child.signalCode === null;

  const stopServer = async (signal) => {
    if (!running()) return;
    const { child, exited } = current;
    const children = signal === 'SIGKILL' ? childPids(child.pid) : [];
    child.kill(signal);
    await exited;
    if (signal === 'SIGKILL') {
      // A crash takes the backends with it: orphans would keep the shared memory and block a restart.
      for (const pid of children) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      const deadline = Date.now() + 10000;
      while (children.some((pid) => !isGone(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    }
  };

  return {
    url,
    port: chosenPort,
    dir,
    dataDir,
    logFile,
    get pid() {
      return current.pid;
    },
    get process() {
      return current.child;
    },
    get exited() {
      return current.exited;
    },
    async stop(signal = 'SIGINT', opts = {}) {
      await stopServer(signal);
      if (opts.removeDir ?? removeDir) {
        removed = true;
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    async restart(opts = {}) {
      if (removed) throw new Error(`cannot restart PostgreSQL: ${dir} was removed by stop()`);
      await stopServer(opts.signal ?? 'SIGINT');
      current = await launch(chosenPort);
    },
  };
}

// Shared by start.mjs and test.mjs: install npm dependencies and system packages when missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts, env: { ...process.env, ...opts.env } });
  return r.status ?? 1;
}

function which(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).status === 0;
}

/**
 * npm install when node_modules is missing or older than the lockfile. Not `npm ci`: npm 11 writes
 * lockfiles without the optional platform packages of other OSes (sharp, next/swc, tailwind oxide),
 * and `npm ci` then refuses the lockfile as out of sync; `npm install` follows it and tolerates that.
 */
export function ensureNodeModules(log = console.log) {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const stale = !fs.existsSync(marker) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs + 1000);
  if (!stale && fs.existsSync(path.join(root, 'node_modules', 'next'))) return;
  log('Installing npm dependencies…');
  const code = run('npm', ['install', '--no-audit', '--no-fund']);
  if (code !== 0) throw new Error('npm install failed');
}

/** Installs Debian packages (as root with apt) for binaries that are missing. */
export function ensureDebianPackages(wanted, log = console.log) {
  const missing = wanted.filter(({ bin }) => !which(bin));
  if (missing.length === 0) return [];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    return missing.map(({ pkg }) => pkg);
  }
  log(`Installing Debian packages: ${missing.map((m) => m.pkg).join(' ')}…`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...missing.map((m) => m.pkg)], { env });
  return missing.filter(({ bin }) => !which(bin)).map(({ pkg }) => pkg);
}

// workers/: app/ and lib/ import the job kinds' schemas from it.
const SOURCE_DIRS = ['app', 'components', 'lib', 'public', 'workers'];
const SOURCE_FILES = ['next.config.js', 'package.json', 'package-lock.json', 'postcss.config.mjs', 'proxy.ts', 'instrumentation.ts', 'tsconfig.json'];

function newestMtime(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** True when there is no production build or a source file changed since it was made. */
export function buildIsStale() {
  const buildId = path.join(root, process.env.NEXT_DIST_DIR || '.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  return [...SOURCE_DIRS, ...SOURCE_FILES].some((p) => newestMtime(path.join(root, p)) > built);
}

export function buildApp(log = console.log) {
  log('Building the console (next build)…');
  const code = run(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { env: { NEXT_TELEMETRY_DISABLED: '1' } });
  if (code !== 0) throw new Error('next build failed');
}

/** node + tsx with the react-server condition, so lib/ modules marked server-only load in scripts. */
export const TSX = ['--import', 'tsx', '--conditions=react-server'];

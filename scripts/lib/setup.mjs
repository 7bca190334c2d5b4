// Shared by start.mjs and test.mjs: install npm dependencies and system packages when missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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
 * `npm ci` when node_modules is missing or older than the lockfile: it installs exactly what the
 * lockfile says and never rewrites it. The committed lockfile lists every platform's optional packages
 * (sharp, tailwind oxide, msgpackr-extract), so `npm ci` works on macOS, arm64 and x64 alike;
 * `npm test` checks that it stays complete (checkLockfile).
 */
export function ensureNodeModules(log = console.log) {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const stale = !fs.existsSync(marker) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs + 1000);
  if (!stale && fs.existsSync(path.join(root, 'node_modules', 'next'))) return;
  log('Installing npm dependencies (npm ci)…');
  const code = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (code !== 0) throw new Error('npm ci failed (is package-lock.json in sync with package.json? `npm install` updates it)');
}

/**
 * Whether `npm install --package-lock-only` would change the lockfile, run on a copy so the checkout
 * is untouched. Returns null when the lockfile is complete, else a short explanation.
 */
export function checkLockfile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-lockfile-'));
  try {
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
    const r = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) return `npm install --package-lock-only failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`;
    const before = fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8');
    const after = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
    if (before === after) return null;
    const [a, b] = [before.split('\n'), after.split('\n')];
    return `package-lock.json is incomplete: npm install would change it (${a.length} → ${b.length} lines). Run \`npm install\` and commit the lockfile.`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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

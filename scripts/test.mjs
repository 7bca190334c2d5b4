#!/usr/bin/env node
// `npm test`: installs what is missing, then typecheck, lint, vitest (unit + integration on real
// redis-servers), one production build, Playwright e2e in /usr/bin/chromium. Ends with "N passed, N failed".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root, ensureNodeModules, ensureDebianPackages, checkLockfile } from './lib/setup.mjs';
import { freePort } from '../lib/embedded/redis-server.mjs';
import { vitestFailures, playwrightFailures } from './lib/test-report.mjs';

const outDir = path.join(root, '.test-out');
const log = (msg) => console.log(`\n[test] ${msg}`);
const only = process.argv.slice(2); // e.g. `npm test -- vitest` runs just that step

function step(name, cmd, args, env = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    log(`${name}: ${[cmd, ...args].join(' ')}`);
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env } });
    child.on('exit', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      log(`${name}: ${code === 0 ? 'ok' : `FAILED (${signal ?? code})`} in ${seconds}s`);
      resolve(code === 0);
    });
  });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

async function main() {
  const started = Date.now();
  ensureNodeModules((m) => log(m));
  const missing = ensureDebianPackages(
    [
      { bin: 'redis-server', pkg: 'redis-server' },
      { bin: 'redis-cli', pkg: 'redis-tools' },
      // The binary Playwright launches (playwright.config.ts), not whichever chromium is on the PATH.
      { bin: process.env.CHROMIUM_PATH || '/usr/bin/chromium', pkg: 'chromium' },
    ],
    (m) => log(m),
  );
  if (missing.length) {
    console.error(`[test] missing system packages: ${missing.join(', ')} (install them, e.g. apt-get install ${missing.join(' ')})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });

  const wants = (name) => only.length === 0 || only.includes(name);
  const totals = { passed: 0, failed: 0 };
  const summary = [];
  const failures = []; // named again after the summary, so the tail of a CI log says what failed
  // A skipped test counts as failed: nothing may go green by being left out.
  const record = (name, passed, failed, skipped = 0) => {
    totals.passed += passed;
    totals.failed += failed + skipped;
    summary.push(`${name.padEnd(12)} ${passed} passed, ${failed + skipped} failed${skipped ? ` (${skipped} skipped)` : ''}`);
  };
  const next = ['node_modules/next/dist/bin/next'];

  if (wants('lockfile')) {
    // Deployments install with `npm ci`: a lockfile missing other platforms' packages breaks them.
    log('lockfile: npm install --package-lock-only on a copy');
    const problem = checkLockfile();
    if (problem) console.error(`[test] ${problem}`);
    log(`lockfile: ${problem ? 'FAILED' : 'ok'}`);
    record('lockfile', problem ? 0 : 1, problem ? 1 : 0);
  }

  let typechecked = false;
  if (wants('typecheck')) {
    const ok = (await step('typegen', process.execPath, [...next, 'typegen'])) && (await step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit']));
    record('typecheck', ok ? 1 : 0, ok ? 0 : 1);
    typechecked = ok;
  }
  if (wants('lint')) {
    const ok = await step('lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings=0']);
    record('lint', ok ? 1 : 0, ok ? 0 : 1);
  }
  if (wants('vitest')) {
    const jsonFile = path.join(outDir, 'vitest.json');
    const ok = await step('vitest', process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`]);
    const report = readJson(jsonFile);
    if (report) {
      record('vitest', report.numPassedTests, report.numFailedTests + (ok || report.numFailedTests ? 0 : 1), report.numPendingTests + report.numTodoTests);
      failures.push(...vitestFailures(report, root));
    }
    else record('vitest', 0, 1);
  }
  if (wants('e2e')) {
    // The build's own type check repeats the one above when that passed.
    const built = await step('build', process.execPath, [...next, 'build'], typechecked ? { DROVER_BUILD_SKIP_TYPECHECK: '1' } : {});
    if (!built) {
      record('e2e', 0, 1);
    } else {
      // The specs use E2E_PORT for the shared console and E2E_PORT+1 … +9 for consoles of their own.
      const allFree = async (base) => (await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => isFree(base + i)))).every(Boolean);
      let port = await freePort();
      while (!(await allFree(port))) port = await freePort();
      const jsonFile = path.join(outDir, 'playwright.json');
      const ok = await step('e2e', process.execPath, ['node_modules/@playwright/test/cli.js', 'test'], { E2E_PORT: String(port), CI: '1' });
      const report = readJson(jsonFile);
      if (report?.stats) {
        const { expected, unexpected, flaky, skipped } = report.stats;
        record('e2e', expected, unexpected + flaky + (ok || unexpected + flaky ? 0 : 1), skipped);
        failures.push(...playwrightFailures(report));
      } else record('e2e', 0, 1);
    }
  }

  console.log(`\n[test] summary after ${((Date.now() - started) / 60000).toFixed(1)} min`);
  for (const line of summary) console.log(`  ${line}`);
  if (failures.length) {
    console.log(`[test] not passed (${failures.length}):`);
    for (const line of failures.slice(0, 40)) console.log(`  ${line}`);
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

async function isFree(port) {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

main().catch((err) => {
  console.error(`[test] ${err.stack || err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});

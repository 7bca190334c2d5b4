// Extra console processes for specs that need their own (restarts, replicas, HTTPS, fresh data):
// started the way `npm start` starts the console, with install/build/workers/seed off.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, request, test, type Locator } from '@playwright/test';
import { ProgressWatch } from '../../scripts/lib/process-progress.mjs';
import { loadFactor } from '../helpers/load';

export type ConsoleProcess = { child: ChildProcess; base: string; output: () => string; stop: () => Promise<void> };

/**
 * `env` values of undefined remove inherited variables (e.g. REDIS_URL for the embedded default).
 * `viaNpm`: started as a user does, `npm start`, so signals go to npm's process, not to start.mjs.
 */
export function startConsole(
  port: number,
  env: Record<string, string | undefined>,
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-console-')),
  { viaNpm = false } = {},
): ConsoleProcess {
  let output = '';
  const merged: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    DROVER_DATA_DIR: dataDir,
    DROVER_SKIP_INSTALL: '1',
    DROVER_SKIP_BUILD: '1',
    DROVER_WORKERS: 'off',
    DROVER_SEED: 'off',
    ...env,
  };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = viaNpm
    ? spawn('npm', ['start'], { env: merged as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['scripts/start.mjs'], { env: merged as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return {
    child,
    base: `http://localhost:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** How long a waited-on process may go without progress (output, or a second of its tree's CPU) before the wait fails. */
export const STALL_MS = 90_000;
/** Outer bound of one wait on a process that keeps progressing (a busy loop must still fail). */
export const WAIT_CAP_MS = 15 * 60_000;

/**
 * Waits until `check` is true while `proc` runs and gets somewhere: no fixed deadline. The wait fails at
 * once when the process exits, after STALL_MS without progress (no output, under a second of CPU in its
 * process tree: a hung process), or after WAIT_CAP_MS; each failure carries the process's output. Time
 * spent here is added to the test's timeout, so a slow machine extends the test rather than failing it.
 */
export async function waitWhileProgressing(proc: Pick<ConsoleProcess, 'child' | 'output'>, what: string, check: () => Promise<boolean> | boolean, { stallMs = STALL_MS, capMs = WAIT_CAP_MS, pollMs = 250 } = {}): Promise<void> {
  const info = test.info();
  const baseTimeout = info.timeout;
  const started = Date.now();
  const watch = new ProgressWatch(proc.child.pid!, { outputLength: () => proc.output().length });
  // A check that throws (a console not ready to answer) counts as not yet; its last error is reported.
  let lastError = '';
  const fail = (why: string) => new Error(`${what}: ${why}${lastError ? ` (last check: ${lastError})` : ''}\n--- output ---\n${tail(proc.output())}`);
  for (;;) {
    const done = await Promise.resolve()
      .then(check)
      .catch((err: Error) => ((lastError = err.message), false));
    if (done) return;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw fail(`the process exited (${proc.child.exitCode ?? proc.child.signalCode})`);
    const waited = Date.now() - started;
    // The stall window stretches with the machine's load (tests/helpers/load.ts): a process that gets a
    // small share of a busy machine's CPU takes longer to use the CPU that counts as progress.
    if (!watch.progressed() && watch.stalledForMs > stallMs * loadFactor()) {
      throw fail(`no progress for ${Math.round(watch.stalledForMs / 1000)} s (no output, ${Math.round(watch.cpuSinceProgressMs)} ms CPU in its process tree)`);
    }
    if (waited > capMs) throw fail(`still not done after ${Math.round(waited / 1000)} s although the process kept working`);
    // The test's own budget is for its own steps: a wait on a progressing process does not use it up.
    if (baseTimeout > 0) info.setTimeout(baseTimeout + waited + stallMs);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Waits for /api/health to answer 200. Given the process, for as long as it makes progress
 * (waitWhileProgressing): it fails as soon as the process exits or stalls, with its output. Given only a
 * URL, a plain poll up to `timeout`.
 */
export async function waitHealthy(target: string | ConsoleProcess, timeout = 180_000): Promise<void> {
  const base = typeof target === 'string' ? target : target.base;
  const api = await request.newContext({ baseURL: base });
  const healthy = async () => (await api.get('/api/health', { timeout: 10_000 }).catch(() => null))?.status() === 200;
  try {
    if (typeof target === 'string') await expect.poll(healthy, { timeout, message: `console on ${base} healthy` }).toBe(true);
    else await waitWhileProgressing(target, `console on ${base} healthy`, healthy);
  } finally {
    await api.dispose();
  }
}

const tail = (text: string) => text.split('\n').slice(-60).join('\n');

/**
 * Waits for a locator's text to match, for as long as the text keeps changing (a search counting its
 * scanned jobs, a progress line): it fails only when the text stayed the same for `stallMs` (stretched
 * with the machine's load) without matching, or after `capMs`. Time spent here extends the test's timeout.
 */
export async function expectTextWhileChanging(locator: Locator, pattern: RegExp, { stallMs = 30_000, capMs = WAIT_CAP_MS, pollMs = 250 } = {}): Promise<void> {
  const info = test.info();
  const baseTimeout = info.timeout;
  const started = Date.now();
  let last: string | null = null;
  let changedAt = started;
  for (;;) {
    const text = await locator.textContent({ timeout: 1_000 }).catch(() => null);
    if (text !== null && pattern.test(text)) return;
    if (text !== last) {
      last = text;
      changedAt = Date.now();
    }
    const waited = Date.now() - started;
    if (Date.now() - changedAt > stallMs * loadFactor()) throw new Error(`text did not change for ${Math.round((Date.now() - changedAt) / 1000)} s without matching ${pattern}: ${JSON.stringify(last)}`);
    if (waited > capMs) throw new Error(`text still not matching ${pattern} after ${Math.round(waited / 1000)} s although it kept changing: ${JSON.stringify(last)}`);
    if (baseTimeout > 0) info.setTimeout(baseTimeout + waited + stallMs);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

// Extra console processes for specs that need their own (restarts, replicas, HTTPS, fresh data):
// started the way `npm start` starts the console, with install/build/workers/seed off.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, request } from '@playwright/test';

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

/**
 * Waits for /api/health; generous, since a busy 2-core machine can take long to start a console (a wait, not a
 * speed check). Given the process, it stops waiting as soon as the process exits and fails with its output.
 */
export async function waitHealthy(target: string | ConsoleProcess, timeout = 180_000): Promise<void> {
  const base = typeof target === 'string' ? target : target.base;
  const proc = typeof target === 'string' ? null : target;
  const api = await request.newContext({ baseURL: base });
  try {
    await expect
      .poll(
        async () => {
          if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) return `exited (${proc.child.exitCode ?? proc.child.signalCode})`;
          return (await api.get('/api/health').catch(() => null))?.status();
        },
        { timeout, message: proc ? `console on ${base} healthy; its output so far:\n${tail(proc.output())}` : `console on ${base} healthy` },
      )
      .toBe(200);
  } catch (err) {
    if (proc) (err as Error).message += `\n--- console output ---\n${tail(proc.output())}`;
    throw err;
  } finally {
    await api.dispose();
  }
}

const tail = (text: string) => text.split('\n').slice(-60).join('\n');

// `npm start` on an empty data dir: embedded Redis, bootstrap admin, and users + sessions kept across a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, request } from '@playwright/test';

function startConsole(dataDir: string, port: number): { child: ChildProcess; output: () => string } {
  let output = '';
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), DROVER_DATA_DIR: dataDir, DROVER_SKIP_INSTALL: '1', DROVER_SKIP_BUILD: '1', DROVER_WORKERS: 'off', DROVER_SEED: 'off' };
  for (const key of ['REDIS_URL', 'DROVER_CONFIG', 'AUTH_SECRET', 'NEXTAUTH_SECRET', 'DROVER_ADMIN_EMAIL', 'DROVER_ADMIN_PASSWORD', 'NEXTAUTH_URL']) delete env[key];
  const child = spawn(process.execPath, ['scripts/start.mjs'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function waitForHealth(port: number) {
  const api = await request.newContext({ baseURL: `http://localhost:${port}` });
  await expect.poll(async () => (await api.get('/api/health').catch(() => null))?.status(), { timeout: 60_000 }).toBe(200);
  await api.dispose();
}

test('npm start embeds Redis, prints the first admin once, and keeps users and sessions across a restart', async () => {
  test.setTimeout(150_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-npm-start-'));
  const port = Number(process.env.E2E_PORT) + 1;
  const base = `http://localhost:${port}`;

  const first = startConsole(dataDir, port);
  await waitForHealth(port);
  const password = /password: (\S+)/.exec(first.output())?.[1];
  expect(password, first.output()).toBeTruthy();
  expect(first.output()).toMatch(/embedded Redis on redis:\/\/127\.0\.0\.1:\d+/);
  expect(fs.existsSync(path.join(dataDir, 'auth-secret'))).toBe(true);

  const api = await request.newContext({ baseURL: base, extraHTTPHeaders: { origin: base } });
  const { csrfToken } = await (await api.get('/api/auth/csrf')).json();
  const signin = await api.post('/api/auth/callback/credentials', { form: { email: 'admin@localhost', password: password!, csrfToken, json: 'true' } });
  expect(signin.status()).toBe(200);
  expect(await (await api.get('/api/v1/me')).json()).toMatchObject({ name: 'admin@localhost', role: 'admin' });
  expect((await api.post('/api/v1/users', { data: { email: 'kept@e2e.test', role: 'viewer', password: 'kept password 1' } })).status()).toBe(201);
  const state = await api.storageState();
  await api.dispose();

  await stop(first.child);
  expect(first.output()).toContain('stopping');

  const second = startConsole(dataDir, port);
  await waitForHealth(port);
  expect(second.output()).not.toMatch(/First run: created admin user/);
  const again = await request.newContext({ baseURL: base, storageState: state });
  // The session cookie from before the restart is still valid (persisted secret), and the user is still there.
  expect(await (await again.get('/api/v1/me')).json()).toMatchObject({ name: 'admin@localhost', role: 'admin' });
  const users = (await (await again.get('/api/v1/users')).json()).users.map((u: { email: string }) => u.email);
  expect(users).toEqual(['admin@localhost', 'kept@e2e.test']);
  await again.dispose();
  await stop(second.child);
});

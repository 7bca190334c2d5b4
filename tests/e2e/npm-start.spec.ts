// `npm start` on an empty data dir: embedded Redis, bootstrap admin, workers and demo seed, and users +
// sessions kept across a restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, request } from '@playwright/test';
import { startConsole, waitHealthy, waitWhileProgressing } from './console-process';
import { stretched } from './support';

const FRESH = { REDIS_URL: undefined, DROVER_CONFIG: undefined, AUTH_SECRET: undefined, NEXTAUTH_SECRET: undefined, DROVER_ADMIN_EMAIL: undefined, DROVER_ADMIN_PASSWORD: undefined, NEXTAUTH_URL: undefined };

test('npm start embeds Redis, prints the first admin once, seeds demo jobs the workers process, and keeps users and sessions across a restart', async () => {
  // The test's own steps; its waits on the console (two starts, the seed, the webhooks) extend this for as
  // long as the console makes progress (waitWhileProgressing): a loaded machine is slower, not a failure.
  test.setTimeout(stretched(240_000));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-npm-start-'));
  const port = Number(process.env.E2E_PORT) + 1;
  const base = `http://localhost:${port}`;

  // With the bundled workers and the demo seed, started with `npm start` itself.
  const first = startConsole(port, { ...FRESH, DROVER_WORKERS: undefined, DROVER_SEED: undefined }, dataDir, { viaNpm: true });
  await waitHealthy(first);
  const password = /password: (\S+)/.exec(first.output())?.[1];
  expect(password, first.output()).toBeTruthy();
  // Said again once the console answers and the demo jobs are in, so the workers' logs do not bury it.
  await waitWhileProgressing(first, 'the first admin said again after the demo seed', () => first.output().split(`password: ${password}`).length - 1 === 2);
  expect(first.output()).toContain(`ready: console on http://localhost:${port}`);
  expect(first.output()).toMatch(/embedded Redis on redis:\/\/127\.0\.0\.1:\d+/);
  // The demo webhooks call this console: the embedded default allows exactly its own origin.
  expect(first.output()).toContain(`egress: allowing the console's own origin 127.0.0.1:${port} for the demo webhooks`);
  expect(fs.existsSync(path.join(dataDir, 'auth-secret'))).toBe(true);

  // A second `npm start` on the same data directory refuses: two Redis servers on one AOF corrupt it.
  const twin = startConsole(port, FRESH, dataDir);
  await waitWhileProgressing(twin, 'the second npm start refused', () => twin.child.exitCode !== null || twin.child.signalCode !== null);
  expect(twin.child.exitCode).toBe(1);
  expect(twin.output()).toMatch(/is in use: its embedded Redis runs on port \d+/);

  const api = await request.newContext({ baseURL: base, extraHTTPHeaders: { origin: base } });
  const { csrfToken } = await (await api.get('/api/auth/csrf')).json();
  const signin = await api.post('/api/auth/callback/credentials', { form: { email: 'admin@localhost', password: password!, csrfToken, json: 'true' } });
  expect(signin.status()).toBe(200);
  expect(await (await api.get('/api/v1/me')).json()).toMatchObject({ name: 'admin@localhost', role: 'admin' });
  expect((await api.post('/api/v1/users', { data: { email: 'kept@e2e.test', role: 'viewer', password: 'kept password 1' } })).status()).toBe(201);
  // The seeded webhooks deliver to this console's /api/health: some of them complete.
  await waitWhileProgressing(first, 'a seeded webhook completed', async () => ((await (await api.get('/api/v1/connections/default/queues/webhook')).json()).counts?.completed ?? 0) > 0);
  const state = await api.storageState();
  await api.dispose();

  // SIGTERM to npm's process (a service manager's stop, `kill <pid>`) stops everything, Redis last.
  await first.stop();
  expect(first.output()).toContain('stopping');
  expect(first.output()).toContain('stopped (embedded Redis saved and stopped)');
  const health = await request.newContext({ baseURL: base });
  expect(await health.get('/api/health').then((r) => r.status(), () => 'no answer')).toBe('no answer');
  await health.dispose();

  const second = startConsole(port, FRESH, dataDir);
  await waitHealthy(second);
  expect(second.output()).not.toMatch(/First run: created admin user/);
  const again = await request.newContext({ baseURL: base, storageState: state });
  // The session cookie from before the restart is still valid (persisted secret), and the user is still there.
  expect(await (await again.get('/api/v1/me')).json()).toMatchObject({ name: 'admin@localhost', role: 'admin' });
  const users = (await (await again.get('/api/v1/users')).json()).users.map((u: { email: string }) => u.email);
  expect(users).toEqual(['admin@localhost', 'kept@e2e.test']);
  await again.dispose();
  await second.stop();
});

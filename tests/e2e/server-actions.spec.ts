// Every server action of the build, called over HTTP the way a forged request would call it.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type APIRequestContext } from '@playwright/test';
import { apiAs, baseURL, redisUrl, signIn } from './support';
import { Queue } from 'bullmq';
import { operationInventory, type OperationCase } from './inventory';

type ManifestEntry = { filename: string; exportedName: string; workers: Record<string, unknown> };

function manifest(): Array<{ id: string; name: string; file: string; page: string }> {
  const raw = JSON.parse(fs.readFileSync(path.resolve(process.env.NEXT_DIST_DIR || '.next', 'server/server-reference-manifest.json'), 'utf8')) as { node: Record<string, ManifestEntry> };
  return Object.entries(raw.node).map(([id, entry]) => ({
    id,
    name: entry.exportedName,
    file: entry.filename,
    // Any page that imports the action can receive the POST.
    page: '/' + Object.keys(entry.workers)[0].replace(/^app\//, '').replace(/\/page$/, '').replace(/\([^)]+\)\/?/g, '').replace(/^page$/, ''),
  }));
}

/** The server actions the table declares, with the role each needs (from the console's OpenAPI document). */
async function tableActions(): Promise<Map<string, OperationCase>> {
  return new Map((await operationInventory()).filter((c) => c.action).map((c) => [c.action!, c]));
}

async function callAction(api: APIRequestContext, action: { id: string; page: string }, origin = baseURL, input: unknown = {}) {
  return api.post(action.page.replace(/\/$/, '') || '/', {
    headers: { 'next-action': action.id, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component', origin },
    data: JSON.stringify([input]),
    maxRedirects: 0,
  });
}

test('the build registers every server action of the table, and no other', async () => {
  const inManifest = new Set(manifest().map((a) => a.name));
  const declared = [...(await tableActions()).keys()];
  expect(declared.length).toBeGreaterThan(20);
  expect(declared.filter((a) => !inManifest.has(a))).toEqual([]);
  expect([...inManifest].filter((a) => !declared.includes(a))).toEqual([]);
});

test('every server action refuses a signed-out caller', async () => {
  const api = await apiAs('anonymous');
  for (const action of manifest()) {
    const res = await callAction(api, action);
    const body = await res.text();
    // Either the proxy sends the request to sign-in, or the action answers "unauthorized"; never ok:true.
    const refused = (res.status() >= 300 && res.status() < 400 && /\/signin/.test(res.headers()['location'] ?? '')) || body.includes('"code":"unauthorized"');
    expect(refused, `${action.name}: ${res.status()} ${body.slice(0, 200)}`).toBe(true);
    expect(body).not.toContain('"ok":true');
  }
  await api.dispose();
});

test('every server action refuses callers below its role with forbidden', async () => {
  const table = await tableActions();
  const roles = new Map([...table].map(([name, c]) => [name, c.role]));
  const actions = manifest();
  expect(actions.every((a) => roles.has(a.name))).toBe(true);
  const order = ['viewer', 'operator', 'admin'] as const;
  for (const lower of ['viewer', 'operator'] as const) {
    const api = await apiAs(lower);
    for (const action of actions) {
      const required = roles.get(action.name)!;
      if (order.indexOf(lower) >= order.indexOf(required)) continue;
      const res = await callAction(api, action);
      const body = await res.text();
      expect(body, `${lower} → ${action.name} (needs ${required})`).toContain('"code":"forbidden"');
      expect(body).not.toContain('"ok":true');
    }
    await api.dispose();
  }
});

test('server actions follow the role rule too: the role below an input’s cannot reach it through one', async () => {
  const table = await tableActions();
  const below = { operator: await apiAs('viewer'), admin: await apiAs('operator') } as const;
  for (const action of manifest()) {
    for (const e of table.get(action.name)?.escalations ?? []) {
      if (e.role === 'viewer') continue;
      const res = await callAction(below[e.role], action, baseURL, { params: { ...e.example.params, queue: 'inventory-probe' }, body: e.example.body });
      const body = await res.text();
      expect(body, `${action.name}: ${e.when}`).toContain('"code":"forbidden"');
      expect(body).not.toContain('"ok":true');
    }
  }
  await Promise.all(Object.values(below).map((a) => a.dispose()));
});

test('a forged cross-origin server-action POST is refused before it runs', async () => {
  const api = await apiAs('admin');
  const action = manifest().find((a) => a.name === 'createTokenAction')!;
  const res = await callAction(api, action, 'https://evil.example');
  expect(res.status()).toBeGreaterThanOrEqual(400);
  expect(await res.text()).not.toContain('"ok":true');
  await api.dispose();
});

test('every server action about a queue or connection answers "not found" to a user whose grants name other ones, and changes nothing', async ({ browser }) => {
  const probe = new Queue('scope-action-probe', { connection: { url: redisUrl() } });
  await probe.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'probe', data: { i } })));
  const before = { waiting: await probe.getWaitingCount(), paused: await probe.isPaused() };

  const admin = await apiAs('admin');
  const email = `scoped-actions-${Date.now()}@e2e.test`;
  const password = `scoped actions ${Date.now()}`;
  const created = await admin.post('/api/v1/users', { data: { email, password, role: 'none', grants: [{ connection: 'elsewhere', queue: '*', role: 'admin' }] } });
  expect(created.status(), await created.text()).toBe(201);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, password);
  await expect(page.getByTestId('current-user')).toHaveText(email);
  const api = context.request;

  const table = await tableActions();
  const checked: string[] = [];
  for (const action of manifest()) {
    const c = table.get(action.name)!;
    if (c.scope !== 'queue' && c.scope !== 'connection' && c.scope !== 'whole-connection' && c.scope !== 'global') continue;
    const params = { ...(c.example?.params ?? {}), conn: 'default', ...(c.scope === 'queue' ? { queue: 'scope-action-probe' } : {}) };
    const res = await callAction(api, action, baseURL, { params: c.scope === 'global' ? c.example?.params : params });
    const body = await res.text();
    expect(body, `${action.name} (${c.scope})`).toContain(c.scope === 'global' ? '"code":"forbidden"' : '"code":"not_found"');
    expect(body).not.toContain('"ok":true');
    checked.push(action.name);
  }
  expect(checked).toEqual(expect.arrayContaining(['retryJobAction', 'pauseQueueAction', 'obliterateQueueAction', 'requeueDeadLettersAction', 'pauseAllQueuesAction', 'addUserAction']));
  expect({ waiting: await probe.getWaitingCount(), paused: await probe.isPaused() }).toEqual(before);
  await context.close();
  await admin.dispose();
  await probe.obliterate({ force: true });
  await probe.close();
});

// Every /api/v1 operation of the table (read from the console's own OpenAPI document, so new ones are
// covered automatically): signed-out callers get 401, callers below the operation's role get 403, and
// the inputs the role rule lifts to admin are refused to operators before anything changes.
import { test, expect } from '@playwright/test';
import { apiAs, redisUrl, type Role } from './support';
import { fillPath, operationInventory } from './inventory';
import { Queue } from 'bullmq';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

test('the inventory is the operation table (sanity)', async () => {
  const cases = await operationInventory();
  expect(cases.length).toBeGreaterThan(60);
  expect(cases.filter((c) => c.method !== 'GET').length).toBeGreaterThan(30);
  expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
});

test('every /api/v1 operation refuses signed-out callers (401) and lower roles (403)', async () => {
  const anonymous = await apiAs('anonymous');
  const byRole = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await apiAs(r)] as const)));
  for (const c of await operationInventory()) {
    const call = (api: typeof anonymous) => api.fetch(c.url, { method: c.method, data: c.method === 'GET' ? undefined : {}, maxRedirects: 0 });
    const anon = await call(anonymous);
    expect(anon.status(), `${c.method} ${c.url} signed out`).toBe(401);
    for (const lower of ROLES.slice(0, ROLES.indexOf(c.role))) {
      const res = await call(byRole[lower]);
      expect(res.status(), `${c.method} ${c.url} as ${lower} (needs ${c.role})`).toBe(403);
      expect((await res.json()).error.code).toBe('forbidden');
    }
  }
  await Promise.all([anonymous, ...Object.values(byRole)].map((a) => a.dispose()));
});

test('one meaning per role: what needs a higher role cannot be reached through an operation a lower role may call', async () => {
  // Unprocessed work on the probe queue, so a refusal that slipped would show as a change.
  const queue = new Queue('inventory-probe', { connection: { url: redisUrl() } });
  await queue.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'probe', data: { i } })));
  await queue.add('later', {}, { delay: 3_600_000 });
  const before = { waiting: await queue.getWaitingCount(), delayed: await queue.getDelayedCount() };
  const byRole = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await apiAs(r)] as const)));
  const escalating = (await operationInventory()).filter((c) => c.escalations.length > 0);
  expect(escalating.map((c) => c.name)).toEqual(expect.arrayContaining(['jobs.bulk', 'queue.clean', 'views.create', 'views.update']));
  for (const c of escalating) {
    for (const e of c.escalations) {
      // The role just below the one the input needs (an operator for admin's, a viewer for operator's).
      const below = ROLES[ROLES.indexOf(e.role) - 1];
      const res = await byRole[below].fetch(fillPath(c.path, e.example.params), { method: c.method, data: e.example.body ?? {} });
      expect(res.status(), `${c.name} as ${below}: ${e.when}`).toBe(403);
      expect((await res.json()).error.message, `${c.name}: ${e.when}`).toMatch(new RegExp(`needs the ${e.role} role`));
    }
  }
  expect({ waiting: await queue.getWaitingCount(), delayed: await queue.getDelayedCount() }).toEqual(before);
  await Promise.all(Object.values(byRole).map((a) => a.dispose()));
  await queue.obliterate({ force: true });
  await queue.close();
});

// Every /api/v1 route and every server action, found from the source tree (new ones are covered
// automatically): signed-out callers get 401 and callers below the route's role get 403.
import { test, expect } from '@playwright/test';
import { apiAs, type Role } from './support';
import { routeInventory as inventory } from './inventory';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

test('the inventory finds the routes (sanity)', () => {
  const cases = inventory();
  expect(cases.length).toBeGreaterThan(30);
  expect(cases.filter((c) => c.method !== 'GET').length).toBeGreaterThan(15);
});

test('every /api/v1 route refuses signed-out callers (401) and lower roles (403)', async () => {
  const anonymous = await apiAs('anonymous');
  const byRole = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await apiAs(r)] as const)));
  for (const c of inventory()) {
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

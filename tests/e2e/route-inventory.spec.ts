// Every /api/v1 route and every server action, found from the source tree (new ones are covered
// automatically): signed-out callers get 401 and callers below the route's role get 403.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { apiAs, type Role } from './support';

type RouteCase = { file: string; url: string; method: string; role: Role };

const ROLES: Role[] = ['viewer', 'operator', 'admin'];
const FILL: Record<string, string> = {
  conn: 'default',
  queue: 'inventory-probe',
  id: '00000000-0000-4000-8000-000000000000',
  email: 'nobody%40example.com',
  schedulerId: 'probe',
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === 'route.ts' ? [path.join(dir, e.name)] : []));
}

/** Finds each exported handler and the role it requires from its apiRoute(...) / jobActionRoute(...) call. */
function inventory(): RouteCase[] {
  const root = path.resolve('app/api/v1');
  const cases: RouteCase[] = [];
  for (const file of walk(root)) {
    const rel = path.relative(root, path.dirname(file));
    if (rel === 'openapi.json') continue;
    const url = '/api/v1/' + rel.split(path.sep).map((seg) => seg.replace(/^\[(\w+)\]$/, (_m, name: string) => FILL[name] ?? 'x')).join('/');
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE) = (\w+)\(\s*(?:\{\s*role: '(\w+)')?/g)) {
      const [, method, factory, role] = match;
      const resolved = (role as Role | undefined) ?? (factory === 'jobActionRoute' ? 'operator' : factory === 'jobFieldRoute' ? 'viewer' : undefined);
      if (!resolved) throw new Error(`cannot tell the role of ${method} in ${file}`);
      cases.push({ file: path.relative(process.cwd(), file), url: url.replace(/\/$/, ''), method, role: resolved });
    }
  }
  return cases;
}

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

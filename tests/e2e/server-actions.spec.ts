// Every server action of the build, called over HTTP the way a forged request would call it.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type APIRequestContext } from '@playwright/test';
import { apiAs, baseURL } from './support';

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

/** The exported names of every file under app/actions, to prove the manifest covers them all. */
function exportedActions(): string[] {
  const dir = path.resolve('app/actions');
  return fs.readdirSync(dir).flatMap((file) =>
    [...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/^export const (\w+Action)\b/gm)].map((m) => `${file}:${m[1]}`),
  );
}

async function callAction(api: APIRequestContext, action: { id: string; page: string }, origin = baseURL) {
  return api.post(action.page.replace(/\/$/, '') || '/', {
    headers: { 'next-action': action.id, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component', origin },
    data: JSON.stringify([{}]),
    maxRedirects: 0,
  });
}

test('the build registers every exported server action', () => {
  const inManifest = new Set(manifest().map((a) => `${path.basename(a.file)}:${a.name}`));
  const missing = exportedActions().filter((a) => !inManifest.has(a));
  expect(missing).toEqual([]);
  expect(inManifest.size).toBeGreaterThan(0);
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

/** The role each action requires, read from its serverAction({ role: … }) declaration. */
function requiredRoles(): Map<string, 'viewer' | 'operator' | 'admin'> {
  const dir = path.resolve('app/actions');
  const roles = new Map<string, 'viewer' | 'operator' | 'admin'>();
  for (const file of fs.readdirSync(dir)) {
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of source.matchAll(/export const (\w+Action) = serverAction\(\s*\{ role: '(viewer|operator|admin)'/g)) roles.set(m[1], m[2] as 'viewer');
  }
  return roles;
}

test('every server action refuses callers below its role with forbidden', async () => {
  const roles = requiredRoles();
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

test('a forged cross-origin server-action POST is refused before it runs', async () => {
  const api = await apiAs('admin');
  const action = manifest().find((a) => a.name === 'createTokenAction')!;
  const res = await callAction(api, action, 'https://evil.example');
  expect(res.status()).toBeGreaterThanOrEqual(400);
  expect(await res.text()).not.toContain('"ok":true');
  await api.dispose();
});

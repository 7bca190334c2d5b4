// Sessions that can be ended: sign-out, "sign out everywhere", a password reset, a role change and
// removing the user end sessions at once, even for a copied cookie; API tokens expire and record their
// last use; anonymous /api/health says only up or down.
import { test, expect, request } from '@playwright/test';
import { apiAs, baseURL, gotoHydrated, storageStatePath } from './support';
import { createUser, csrfToken, randomAddress, signInOverHttp, uniqueEmail, withCookie } from './signin-http';

const PASSWORD = 'session password 1';

async function status(cookie: string): Promise<number> {
  const api = await withCookie(cookie);
  const res = await api.get('/api/v1/me');
  await api.dispose();
  return res.status();
}

test('signing out ends that session for every copy of its cookie; the user’s other sessions go on', async () => {
  const email = uniqueEmail('signout');
  await createUser(email, PASSWORD);
  const first = await signInOverHttp(email, PASSWORD, { 'x-forwarded-for': randomAddress() });
  const second = await signInOverHttp(email, PASSWORD, { 'x-forwarded-for': randomAddress() });
  expect(await status(first.cookie)).toBe(200);

  const out = await first.api.post('/api/auth/signout', { form: { csrfToken: await csrfToken(first.api), json: 'true' } });
  expect(out.status()).toBe(200);
  // The browser dropped its cookie; a copy taken before (stolen, or another tab's) is dead too.
  expect(await status(first.cookie)).toBe(401);
  expect(await status(second.cookie)).toBe(200);
  await Promise.all([first.api.dispose(), second.api.dispose()]);
});

test('"Sign out everywhere" in the user menu ends every session of the user, in this browser and elsewhere', async ({ browser }) => {
  const email = uniqueEmail('everywhere');
  await createUser(email, PASSWORD);
  const elsewhere = await signInOverHttp(email, PASSWORD, { 'x-forwarded-for': randomAddress() });
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': randomAddress() } });
  const page = await context.newPage();
  await gotoHydrated(page, '/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('current-user')).toHaveText(email);
  const browserCookie = (await context.cookies()).find((c) => c.name.endsWith('next-auth.session-token'))!;

  await page.getByTestId('current-user').click();
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect(await status(elsewhere.cookie)).toBe(401);
  expect(await status(`${browserCookie.name}=${browserCookie.value}`)).toBe(401);
  // The audit log says who did it.
  const admin = await apiAs('admin');
  const audit = await (await admin.get(`/api/v1/audit?user=${encodeURIComponent(email)}&action=session.revoke-all`)).json();
  expect(audit.entries[0]).toMatchObject({ action: 'session.revoke-all', actor: email, outcome: 'ok' });
  await Promise.all([admin.dispose(), elsewhere.api.dispose(), context.close()]);
});

test('an admin resetting the password, changing the role or removing the user ends that user’s sessions at once', async () => {
  const admin = await apiAs('admin');
  for (const change of ['reset password', 'change role', 'remove'] as const) {
    const email = uniqueEmail('revoked');
    await createUser(email, PASSWORD, 'operator');
    const session = await signInOverHttp(email, PASSWORD, { 'x-forwarded-for': randomAddress() });
    expect(await status(session.cookie)).toBe(200);
    const path = `/api/v1/users/${encodeURIComponent(email)}`;
    const res =
      change === 'reset password'
        ? await admin.patch(path, { data: { resetPassword: true } })
        : change === 'change role'
          ? await admin.patch(path, { data: { role: 'viewer' } })
          : await admin.delete(path);
    expect(res.status(), change).toBe(200);
    expect(await status(session.cookie), change).toBe(401);
    await session.api.dispose();
  }
  await admin.dispose();
});

test('an API token with an expiry answers 401 saying so once it passes; its last use is recorded and listed', async ({ browser }) => {
  const admin = await apiAs('admin');
  const name = `short-${Date.now()}`;
  const created = await admin.post('/api/v1/tokens', { data: { name, role: 'viewer', expiresIn: '4s' } });
  expect(created.status()).toBe(201);
  const { token, id, expiresAt } = await created.json();
  expect(expiresAt).toBeGreaterThan(Date.now() - 5000);
  const bearer = await request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await bearer.get('/api/v1/me')).status()).toBe(200);

  const listed = async () => ((await (await admin.get('/api/v1/tokens')).json()).tokens as Array<{ id: string; lastUsedAt: number | null; expiresAt?: number }>).find((t) => t.id === id)!;
  await expect.poll(async () => (await listed()).lastUsedAt, { timeout: 10_000 }).toBeGreaterThan(Date.now() - 60_000);
  expect((await listed()).expiresAt).toBe(expiresAt);

  // The Users & tokens page shows both.
  const context = await browser.newContext({ storageState: storageStatePath('admin') });
  const page = await context.newPage();
  await page.goto('/users');
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row.getByTestId('token-last-used')).not.toHaveText('never');
  await expect(row.getByTestId('token-expiry')).toBeVisible();

  await expect.poll(async () => (await bearer.get('/api/v1/me')).status(), { timeout: 15_000, intervals: [500] }).toBe(401);
  const expired = await bearer.get('/api/v1/me');
  expect((await expired.json()).error.message).toMatch(new RegExp(`^API token "${name}" expired at \\d{4}-\\d\\d-\\d\\dT`));
  await page.reload();
  await expect(page.getByRole('row', { name: new RegExp(name) }).getByTestId('token-expiry')).toContainText('expired');

  // A malformed expiry is a 400 that names the field.
  const bad = await admin.post('/api/v1/tokens', { data: { name: 'bad', role: 'viewer', expiresIn: 'forever' } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.fieldErrors.expiresIn).toBeDefined();
  await Promise.all([bearer.dispose(), admin.dispose(), context.close()]);
});

test('anonymous /api/health says only up or down; a token or a session of any role sees the connections', async () => {
  const anonymous = await request.newContext({ baseURL });
  for (const method of ['get', 'post'] as const) {
    const res = await anonymous[method]('/api/health');
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  }
  const viewer = await apiAs('viewer');
  const detailed = await (await viewer.get('/api/health')).json();
  expect(detailed.status).toBe('ok');
  expect(detailed.connections[0]).toMatchObject({ name: 'default', status: 'up' });

  const admin = await apiAs('admin');
  const { token } = await (await admin.post('/api/v1/tokens', { data: { name: `health-${Date.now()}`, role: 'viewer' } })).json();
  const bearer = await request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await (await bearer.get('/api/health')).json()).connections[0]).toMatchObject({ name: 'default', status: 'up' });
  // A bad token is refused like everywhere else, not answered as anonymous.
  const forged = await request.newContext({ baseURL, extraHTTPHeaders: { authorization: 'Bearer drv_forged' } });
  expect((await forged.get('/api/health')).status()).toBe(401);
  await Promise.all([anonymous.dispose(), viewer.dispose(), admin.dispose(), bearer.dispose(), forged.dispose()]);
});

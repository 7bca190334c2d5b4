import { test, expect } from '@playwright/test';
import { apiAs, baseURL, expectSignedIn, gotoHydrated, signIn, storageStatePath, USERS } from './support';

test.describe('sign-in', () => {
  test('wrong password shows an error; right password opens the shell; sign-out returns to /signin', async ({ page }) => {
    await signIn(page, USERS.operator.email, 'not the password');
    await expect(page.getByTestId('signin-error')).toHaveText('Wrong email or password.');
    await expect(page).toHaveURL(/\/signin/);

    await page.getByLabel('Password').fill(USERS.operator.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectSignedIn(page, 'operator');
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2F/);
  });

  test('signed-out page requests redirect to /signin and come back after sign-in', async ({ page }) => {
    await gotoHydrated(page, '/users');
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fusers/);
    await page.getByLabel('Email').fill(USERS.admin.email);
    await page.getByLabel('Password').fill(USERS.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page).toHaveURL(`${baseURL}/users`);
    await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  });

  test('10 failures within 15 minutes lock the account and the address with a clear 429', async ({ page, request }) => {
    // A dedicated client address (last X-Forwarded-For hop) and account keep other specs unaffected.
    const ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const account = `locked-${Date.now()}@e2e.test`;
    const attempt = async () => {
      const { csrfToken } = await (await request.get('/api/auth/csrf')).json();
      return request.post('/api/auth/callback/credentials', {
        headers: { 'x-forwarded-for': ip },
        form: { email: account, password: 'guess', csrfToken, json: 'true' },
      });
    };
    for (let i = 0; i < 10; i++) expect((await attempt()).status()).toBe(401);
    const blocked = await attempt();
    expect(blocked.status()).toBe(429);
    expect(Number(blocked.headers()['retry-after'])).toBeGreaterThan(800);
    expect((await blocked.json()).error.message).toBe('Too many failed sign-in attempts. Try again in 15 minutes.');

    // The sign-in form shows the same message to a person on that address.
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': ip });
    await signIn(page, USERS.viewer.email, USERS.viewer.password);
    await expect(page.getByTestId('signin-error')).toHaveText(/Too many failed sign-in attempts\. Try again in 1[45] minutes\./);
  });
});

test.describe('role guard', () => {
  test('page: viewer gets 403 on the admin-only Users page; admin sees it', async ({ browser }) => {
    const viewer = await browser.newContext({ storageState: storageStatePath('viewer') });
    const page = await viewer.newPage();
    const res = await page.goto('/users');
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'Your role does not allow this page' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Users & tokens' })).toHaveCount(0);
    await viewer.close();

    const admin = await browser.newContext({ storageState: storageStatePath('admin') });
    const adminPage = await admin.newPage();
    expect((await adminPage.goto('/users'))?.status()).toBe(200);
    await admin.close();
  });

  test('route handler: 401 signed out, 403 for viewer and operator, 200 for admin', async () => {
    const expected = { anonymous: 401, viewer: 403, operator: 403, admin: 200 } as const;
    for (const [who, status] of Object.entries(expected)) {
      const api = await apiAs(who as keyof typeof expected);
      const res = await api.get('/api/v1/users');
      expect(res.status(), who).toBe(status);
      if (status !== 200) expect((await res.json()).error.code).toBe(status === 401 ? 'unauthorized' : 'forbidden');
      await api.dispose();
    }
  });

  test('route handler mutations: cookie sessions from another origin are refused', async () => {
    const admin = await apiAs('admin');
    const res = await admin.post('/api/v1/tokens', { headers: { origin: 'https://evil.example' }, data: { name: 'x', role: 'admin' } });
    expect(res.status()).toBe(403);
    expect((await res.json()).error.message).toMatch(/Cross-origin request refused/);
    await admin.dispose();
  });
});

test.describe('API tokens', () => {
  test('admin creates a token in the UI, it authenticates, and revoking it takes effect at once', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStatePath('admin') });
    const page = await context.newPage();
    await gotoHydrated(page, '/users');
    const name = `ci-${Date.now()}`;
    await page.getByLabel('Token name').fill(name);
    await page.getByLabel('Role', { exact: true }).last().selectOption('operator');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('created-token').textContent())!.trim();
    expect(token).toMatch(/^drv_/);

    const bearer = await (await import('@playwright/test')).request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const me = await bearer.get('/api/v1/me');
    expect(me.status()).toBe(200);
    expect(await me.json()).toEqual({ kind: 'token', name: `token:${name}`, role: 'operator', globalRole: 'operator', grants: [] });
    expect((await bearer.get('/api/v1/users')).status()).toBe(403);

    await page.getByRole('row', { name: new RegExp(name) }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Revoked "${name}"` })).toBeVisible();
    const after = await bearer.get('/api/v1/me');
    expect(after.status()).toBe(401);
    expect((await after.json()).error.message).toBe('Invalid or revoked API token');
    await bearer.dispose();
    await context.close();
  });
});

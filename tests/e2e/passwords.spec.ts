// Passwords in the UI: a user changes their own (Users & tokens, or the account page from the user menu)
// and stays signed in; an admin never resets their own blind; resetting someone else's and changing a
// role ask first. Each test uses accounts of its own: the shared ones of auth.setup.ts stay as they are.
import { test, expect, request } from '@playwright/test';
import { apiAs, baseURL, gotoHydrated, storageStatePath, waitForHydration } from './support';
import { createUser, postSignin, csrfToken, randomAddress, signInOverHttp, uniqueEmail, withCookie } from './signin-http';

const PASSWORD = 'first password 1';
const NEW_PASSWORD = 'second password 2';

function escape(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** The status of a fresh sign-in with these credentials (200 signed in, 401 refused), from an address of its own. */
async function signinStatus(email: string, password: string): Promise<number> {
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL, 'x-forwarded-for': randomAddress() } });
  const res = await postSignin(api, 'form', { email, password, csrfToken: await csrfToken(api) });
  await api.dispose();
  return res.status();
}

async function sessionStatus(cookie: string): Promise<number> {
  const api = await withCookie(cookie);
  const res = await api.get('/api/v1/me');
  await api.dispose();
  return res.status();
}

test('an admin changes their own password on Users & tokens, stays signed in, and signs in with it afresh; their other sessions end', async ({ browser }) => {
  const email = uniqueEmail('own-admin');
  await createUser(email, PASSWORD, 'admin');
  const elsewhere = await signInOverHttp(email, PASSWORD, { 'x-forwarded-for': randomAddress() });
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': randomAddress() } });
  const page = await context.newPage();
  await gotoHydrated(page, '/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('current-user')).toHaveText(email);

  await gotoHydrated(page, '/users');
  const ownRow = page.getByRole('row', { name: escape(email) });
  await expect(ownRow.getByRole('button', { name: 'Reset password' })).toHaveCount(0);
  await ownRow.getByRole('link', { name: 'Change your password' }).click();

  const form = page.getByRole('form', { name: 'Change your password' });
  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await form.getByLabel('Confirm new password').fill('a different one');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText('the two new passwords differ')).toBeVisible();
  expect(await signinStatus(email, PASSWORD), 'nothing was sent').toBe(200);

  await form.getByLabel('Confirm new password').fill(NEW_PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByTestId('password-changed')).toHaveText(/^Your password was changed\. You are still signed in here\. \d+ other sessions? (was|were) signed out\.$/);

  // Still signed in here, after a full reload; the session from elsewhere has ended.
  await page.reload();
  await expect(page.getByTestId('current-user')).toHaveText(email);
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  expect(await sessionStatus(elsewhere.cookie)).toBe(401);

  // A fresh browser signs in with the new password; the old one is refused.
  expect(await signinStatus(email, PASSWORD)).toBe(401);
  const fresh = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': randomAddress() } });
  const freshPage = await fresh.newPage();
  await gotoHydrated(freshPage, '/signin');
  await freshPage.getByLabel('Email').fill(email);
  await freshPage.getByLabel('Password').fill(NEW_PASSWORD);
  await freshPage.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(freshPage.getByTestId('current-user')).toHaveText(email);

  // The audit log names the change, never the password.
  const admin = await apiAs('admin');
  const audit = await (await admin.get(`/api/v1/audit?user=${encodeURIComponent(email)}&action=me.password`)).json();
  expect(audit.entries[0]).toMatchObject({ action: 'me.password', actor: email, outcome: 'ok' });
  expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
  await Promise.all([admin.dispose(), elsewhere.api.dispose(), context.close(), fresh.close()]);
});

test('resetting another user’s password and changing their role ask first; a cancel changes nothing', async ({ browser }) => {
  const other = uniqueEmail('reset-me');
  await createUser(other, PASSWORD, 'operator');
  const context = await browser.newContext({ storageState: storageStatePath('admin') });
  const page = await context.newPage();
  await gotoHydrated(page, '/users');
  const row = page.getByRole('row', { name: escape(other) });
  const dialog = page.getByRole('dialog');

  await row.getByRole('button', { name: 'Reset password' }).click();
  await expect(dialog).toContainText(`${other} gets a new random password`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('generated-password')).toHaveCount(0);
  expect(await signinStatus(other, PASSWORD)).toBe(200);

  await row.getByRole('button', { name: 'Reset password' }).click();
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  const generated = (await page.getByTestId('generated-password').textContent())!.trim();
  expect(generated.length).toBeGreaterThanOrEqual(20);
  expect(await signinStatus(other, PASSWORD)).toBe(401);
  expect(await signinStatus(other, generated)).toBe(200);

  const role = row.getByLabel(`Role of ${other}`);
  await role.selectOption('viewer');
  await expect(dialog).toContainText(`${other} becomes viewer`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(role).toHaveValue('operator');
  const admin = await apiAs('admin');
  const roleOf = async () => ((await (await admin.get('/api/v1/users')).json()).users as Array<{ email: string; role: string }>).find((u) => u.email === other)?.role;
  expect(await roleOf()).toBe('operator');

  await role.selectOption('viewer');
  await dialog.getByRole('button', { name: 'Make viewer' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${other} is now viewer` })).toBeVisible();
  await expect(role).toHaveValue('viewer');
  expect(await roleOf()).toBe('viewer');

  // The signed-in admin's own row offers no blind reset.
  await expect(page.getByRole('row', { name: /admin@e2e\.test/ }).getByRole('button', { name: 'Reset password' })).toHaveCount(0);
  await Promise.all([admin.dispose(), context.close()]);
});

test('a viewer changes their password from the user menu’s account page; a wrong current one is refused', async ({ browser }) => {
  const email = uniqueEmail('own-viewer');
  await createUser(email, PASSWORD, 'viewer');
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': randomAddress() } });
  const page = await context.newPage();
  await gotoHydrated(page, '/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('current-user')).toHaveText(email);
  await waitForHydration(page);

  await page.getByTestId('current-user').click();
  await page.getByRole('link', { name: 'Change password' }).click();
  await expect(page).toHaveURL(`${baseURL}/account`);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Change your password' });
  await form.getByLabel('Current password').fill('not my password');
  await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await form.getByLabel('Confirm new password').fill(NEW_PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText('Current password is wrong')).toBeVisible();

  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByTestId('password-changed')).toContainText('Your password was changed. You are still signed in here.');
  await page.reload();
  await expect(page.getByTestId('current-user')).toHaveText(email);
  expect(await signinStatus(email, NEW_PASSWORD)).toBe(200);
  await context.close();
});

test('over HTTP: wrong current passwords are 400 and count as failed sign-ins; the eleventh call is 429 with Retry-After, and so is the sign-in', async () => {
  const email = uniqueEmail('guessed');
  await createUser(email, PASSWORD, 'operator');
  const stolen = await signInOverHttp(email, PASSWORD, { 'x-forwarded-for': randomAddress() });
  for (let i = 0; i < 10; i++) {
    const res = await stolen.api.post('/api/v1/me/password', { data: { currentPassword: `guess ${i}`, newPassword: NEW_PASSWORD } });
    expect(res.status(), `guess ${i}`).toBe(400);
    expect((await res.json()).error.message).toBe('Current password is wrong');
  }
  const limited = await stolen.api.post('/api/v1/me/password', { data: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
  expect(limited.status()).toBe(429);
  expect(Number(limited.headers()['retry-after'])).toBeGreaterThan(800);
  expect((await limited.json()).error.message).toBe('Too many failed sign-in attempts. Try again in 15 minutes.');
  expect(await signinStatus(email, PASSWORD)).toBe(429);
  await stolen.api.dispose();
});

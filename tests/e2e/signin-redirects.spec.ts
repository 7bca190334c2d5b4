// After sign-in, only this console: hostile callbackUrl values through next-auth's own redirect
// (raw HTTP, the Location header) and through the sign-in page and form (Chromium).
import { test, expect, request } from '@playwright/test';
import { baseURL, gotoHydrated, stretched } from './support';
import { createUser, csrfToken, randomAddress, uniqueEmail } from './signin-http';

const ORIGIN = new URL(baseURL).origin;
const HOSTILE = [
  '//evil.example/x',
  '/\\evil.example/x',
  '/\t/evil.example/x',
  '/\n/evil.example/x',
  '\t//evil.example/x',
  ' //evil.example/x',
  '/.//evil.example/x',
  'https:evil.example/x',
  'https://evil.example/x',
  'http:\\\\evil.example\\x',
  `${ORIGIN}.evil.example/x`,
  `${ORIGIN}@evil.example/x`,
  'javascript:alert(document.domain)',
  'data:text/html,<script>alert(1)</script>',
  'http://[',
  '/%2F%2Fevil.example/x',
];

test('next-auth redirects after a credentials sign-in only to this origin, whatever callbackUrl says', async () => {
  test.setTimeout(stretched(120_000));
  const email = uniqueEmail('redirect');
  await createUser(email, 'right password 1');
  for (const callbackUrl of HOSTILE) {
    const api = await request.newContext({ baseURL, extraHTTPHeaders: { 'x-forwarded-for': randomAddress() } });
    // No json=true: next-auth answers with a 302 and the Location header a browser would follow.
    const res = await api.post('/api/auth/callback/credentials', {
      form: { email, password: 'right password 1', csrfToken: await csrfToken(api), callbackUrl },
      maxRedirects: 0,
    });
    expect(res.status(), JSON.stringify(callbackUrl)).toBe(302);
    const location = res.headers()['location'];
    expect(location, JSON.stringify(callbackUrl)).toBeTruthy();
    expect(location).not.toMatch(/[\t\n\r\\]/);
    expect(new URL(location, baseURL).origin, `${JSON.stringify(callbackUrl)} → ${location}`).toBe(ORIGIN);
    await api.dispose();
  }
});

test('the sign-in page and form send a browser nowhere but this origin', async ({ browser }) => {
  test.setTimeout(stretched(120_000));
  const email = uniqueEmail('redirect-ui');
  await createUser(email, 'right password 1');
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': randomAddress() } });
  const visited: string[] = [];
  await context.route((url) => url.hostname.endsWith('evil.example'), (route) => {
    visited.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil</h1>' });
  });
  for (const callbackUrl of ['/\t/evil.example/x', '/\\evil.example/x', '/.//evil.example/x', 'https:evil.example/x']) {
    // Signed out: the form signs in and then goes to the callback. A new page each time: the last one's
    // live updates would notice the cleared cookie and navigate to /signin under our feet.
    await Promise.all(context.pages().map((p) => p.close()));
    await context.clearCookies();
    const page = await context.newPage();
    await gotoHydrated(page, `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('right password 1');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByTestId('current-user')).toHaveText(email);
    expect(new URL(page.url()).origin, JSON.stringify(callbackUrl)).toBe(ORIGIN);
    // Signed in: the sign-in page redirects straight to the callback.
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await expect(page.getByTestId('current-user')).toHaveText(email);
    expect(new URL(page.url()).origin, JSON.stringify(callbackUrl)).toBe(ORIGIN);
  }
  expect(visited).toEqual([]);
  await context.close();
});

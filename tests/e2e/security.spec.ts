// Security headers, cookie flags, sign-in CSRF, odd input everywhere, oversized and malformed bodies.
import { test, expect, request } from '@playwright/test';
import { USERS, apiAs, baseURL, redisUrl, storageStatePath, stretched } from './support';
import { operationInventory } from './inventory';
import { startConsole, waitHealthy } from './console-process';

test('pages send a strict CSP (no unsafe-eval, frame-ancestors none) and every response nosniff', async ({ request: api }) => {
  const page = await api.get('/signin');
  const csp = page.headers()['content-security-policy'];
  expect(csp).toBeTruthy();
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(page.headers()['x-content-type-options']).toBe('nosniff');
  expect(page.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(page.headers()['x-frame-options']).toBe('DENY');
  const json = await api.get('/api/health');
  expect(json.headers()['x-content-type-options']).toBe('nosniff');
  // A new nonce per request.
  const again = await api.get('/signin');
  expect(again.headers()['content-security-policy']).not.toBe(csp);
});

test('the console runs under its CSP without violations', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStatePath('admin') });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  for (const p of ['/', '/users', '/account', '/audit']) {
    await page.goto(p);
    await page.waitForLoadState('networkidle');
  }
  expect(problems).toEqual([]);
  await context.close();
});

test('the session cookie is HttpOnly and SameSite=Lax; sign-in without the CSRF token fails', async () => {
  const api = await request.newContext({ baseURL });
  const { csrfToken } = await (await api.get('/api/auth/csrf')).json();
  const forged = await api.post('/api/auth/callback/credentials', { form: { email: USERS.viewer.email, password: USERS.viewer.password, csrfToken: 'forged', json: 'true' } });
  expect((await forged.json()).url).toMatch(/csrf=true|error=/);
  const forgedState = await api.storageState();
  expect(forgedState.cookies.find((c) => c.name.endsWith('next-auth.session-token'))).toBeUndefined();

  const ok = await api.post('/api/auth/callback/credentials', { form: { email: USERS.viewer.email, password: USERS.viewer.password, csrfToken, json: 'true' } });
  expect(ok.status()).toBe(200);
  const setCookie = ok.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
  const session = setCookie.find((c) => c.startsWith('next-auth.session-token='));
  expect(session).toBeTruthy();
  expect(session).toMatch(/HttpOnly/i);
  expect(session).toMatch(/SameSite=Lax/i);
  await api.dispose();
});

test('behind HTTPS (NEXTAUTH_URL https) the session cookie is Secure', async () => {
  test.setTimeout(stretched(240_000));
  const port = Number(process.env.E2E_PORT) + 2;
  const https = startConsole(port, {
    REDIS_URL: redisUrl(),
    NEXTAUTH_URL: `https://localhost:${port}`,
    AUTH_SECRET: process.env.E2E_AUTH_SECRET,
    DROVER_ADMIN_EMAIL: undefined,
    DROVER_ADMIN_PASSWORD: undefined,
  });
  try {
    await waitHealthy(https);
    const api = await request.newContext({ baseURL: https.base });
    const csrf = await api.get('/api/auth/csrf');
    const { csrfToken } = await csrf.json();
    const csrfCookie = csrf.headersArray().find((h) => h.name.toLowerCase() === 'set-cookie' && h.value.includes('csrf-token'))!.value;
    const res = await api.post('/api/auth/callback/credentials', {
      headers: { cookie: csrfCookie.split(';')[0] },
      form: { email: USERS.viewer.email, password: USERS.viewer.password, csrfToken, json: 'true' },
    });
    const session = res.headersArray().find((h) => h.name.toLowerCase() === 'set-cookie' && h.value.includes('session-token'))?.value ?? '';
    expect(session).toMatch(/^__Secure-next-auth\.session-token=/);
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/HttpOnly/i);
    await api.dispose();
  } finally {
    await https.stop();
  }
});

test('odd queue names and job ids get clean 4xx answers, never 5xx', async () => {
  const api = await apiAs('operator');
  const weird = ['..%2F..%2Fetc%2Fpasswd', '%00', 'caf%C3%A9-%F0%9F%9A%80', 'a'.repeat(1024), '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'with%3Acolon'];
  for (const segment of weird) {
    for (const url of [
      `/api/v1/connections/default/queues/${segment}`,
      `/api/v1/connections/default/queues/${segment}/jobs?state=failed`,
      `/api/v1/connections/default/queues/q/jobs/${segment}`,
      `/api/v1/connections/${segment}/queues/q`,
    ]) {
      const res = await api.get(url);
      expect(res.status(), url).toBeGreaterThanOrEqual(200);
      expect(res.status(), url).toBeLessThan(500);
      if (res.status() >= 400) expect((await res.json()).error.message, url).toBeTruthy();
    }
    const post = await api.post(`/api/v1/connections/default/queues/q/jobs/${segment}/retry`);
    expect(post.status(), `retry ${segment}`).toBeGreaterThanOrEqual(400);
    expect(post.status(), `retry ${segment}`).toBeLessThan(500);
  }
  await api.dispose();
});

test('a 10 MB add-job body is refused with 413, malformed JSON with 400, everywhere JSON is accepted', async () => {
  const api = await apiAs('admin');
  const big = await api.post('/api/v1/connections/default/queues/sec-big/jobs', {
    headers: { 'content-type': 'application/json' },
    data: Buffer.from(JSON.stringify({ name: 'x', data: { blob: 'x'.repeat(10 * 1024 * 1024) } })),
  });
  expect(big.status()).toBe(413);
  expect((await big.json()).error.code).toBe('payload_too_large');
  const jsonRoutes = (await operationInventory())
    .filter((c) => c.acceptsJson)
    .map((c) => [c.method, c.url] as const);
  expect(jsonRoutes.length).toBeGreaterThan(10);
  for (const [method, url] of jsonRoutes) {
    const res = await api.fetch(url, { method, headers: { 'content-type': 'application/json' }, data: Buffer.from('{"broken": ') });
    expect(res.status(), `${method} ${url}`).toBe(400);
    expect((await res.json()).error.message, `${method} ${url}`).toMatch(/^Malformed JSON body/);
  }
  await api.dispose();
});

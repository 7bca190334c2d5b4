// Sign-in limits over raw HTTP against the real console: every encoding next-auth accepts shares one
// budget, ambiguous bodies are refused, a parallel burst cannot pass the limit, the client address
// comes from the socket unless a proxy is trusted, and bodies are capped.
import http from 'node:http';
import { test, expect, request } from '@playwright/test';
import { USERS, baseURL, redisUrl, stretched } from './support';
import { startConsole, waitHealthy } from './console-process';
import { createUser, csrfToken, postSignin, randomAddress, uniqueEmail } from './signin-http';

const LOCKED = /^Too many failed sign-in attempts\. Try again in 1[45] minutes\.$/;

test('wrong passwords as JSON and as a form share one per-account budget; then even the right password waits', async ({ request: api }) => {
  const email = uniqueEmail('budget');
  await createUser(email, 'right password 1');
  const csrf = await csrfToken(api);
  // A new address each time (the e2e console trusts one proxy hop): only the account limit can trip.
  const attempt = (encoding: 'form' | 'json', password: string) =>
    postSignin(api, encoding, { email, password, csrfToken: csrf }, { 'x-forwarded-for': randomAddress() });

  for (let i = 0; i < 3; i++) expect((await attempt('form', `wrong ${i}`)).status()).toBe(401);
  const json: number[] = [];
  for (let i = 0; i < 11; i++) json.push((await attempt('json', `wrong json ${i}`)).status());
  expect(json).toEqual([401, 401, 401, 401, 401, 401, 401, 429, 429, 429, 429]);

  for (const encoding of ['json', 'form'] as const) {
    const right = await attempt(encoding, 'right password 1');
    expect(right.status(), encoding).toBe(429);
    expect(Number(right.headers()['retry-after'])).toBeGreaterThan(800);
    expect((await right.json()).error.message).toMatch(LOCKED);
  }
});

test('repeated or non-string fields and unknown content types get 400 before any password is checked', async ({ request: api }) => {
  const email = uniqueEmail('ambiguous');
  const other = uniqueEmail('other');
  await createUser(email, 'right password 1');
  const csrf = await csrfToken(api);
  const post = (contentType: string, body: string) =>
    api.post('/api/auth/callback/credentials', { headers: { 'content-type': contentType, 'x-forwarded-for': randomAddress() }, data: Buffer.from(body), maxRedirects: 0 });
  const form = (pairs: Array<[string, string]>) => new URLSearchParams(pairs).toString();

  const cases: Array<[string, string, string, RegExp]> = [
    // Our limiter would have read the first email, next-auth the last one.
    ['form', 'application/x-www-form-urlencoded', form([['email', other], ['email', email], ['password', 'x'], ['csrfToken', csrf]]), /"email" appears more than once/],
    ['form', 'application/x-www-form-urlencoded', form([['email', email], ['password', 'a'], ['password', 'b'], ['csrfToken', csrf]]), /"password" appears more than once/],
    ['json', 'application/json', JSON.stringify({ email: [email], password: 'x', csrfToken: csrf }), /"email" must be a string/],
    ['json', 'application/json', JSON.stringify({ email, password: { $gt: '' }, csrfToken: csrf }), /"password" must be a string/],
    ['json', 'application/json', JSON.stringify([email, 'x']), /must be a JSON object/],
    ['json', 'application/json', '{"email": ', /^Malformed JSON body/],
    ['text', 'text/plain', `email=${email}&password=x`, /Content-Type application\/x-www-form-urlencoded or application\/json/],
    ['mixed', 'application/x-www-form-urlencoded; note=application/json', form([['email', email], ['password', 'x']]), /Content-Type/],
    ['case', 'Application/JSON', JSON.stringify({ email, password: 'x', csrfToken: csrf }), /Content-Type/],
  ];
  for (const [name, type, body, message] of cases) {
    const res = await post(type, body);
    expect(res.status(), name).toBe(400);
    expect((await res.json()).error.message, name).toMatch(message);
  }
  // None of them was counted against the account, and the account works.
  const ok = await postSignin(api, 'json', { email, password: 'right password 1', csrfToken: csrf }, { 'x-forwarded-for': randomAddress() });
  expect(ok.status()).toBe(200);
});

test('50 parallel wrong guesses: exactly 10 are checked, 40 get 429, and the account stays locked', async ({ request: api }) => {
  const email = uniqueEmail('burst');
  await createUser(email, 'right password 1');
  const csrf = await csrfToken(api);
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => postSignin(api, i % 2 ? 'json' : 'form', { email, password: `guess ${i}`, csrfToken: csrf }, { 'x-forwarded-for': randomAddress() })),
  );
  const statuses = results.map((r) => r.status());
  expect(statuses.filter((s) => s === 401)).toHaveLength(10);
  expect(statuses.filter((s) => s === 429)).toHaveLength(40);
  const right = await postSignin(api, 'form', { email, password: 'right password 1', csrfToken: csrf }, { 'x-forwarded-for': randomAddress() });
  expect(right.status()).toBe(429);
  expect((await right.json()).error.message).toMatch(LOCKED);
});

test('with DROVER_TRUSTED_PROXIES=1 the address the proxy appended is the one limited, not what the client wrote before it', async ({ request: api }) => {
  const csrf = await csrfToken(api);
  const client = randomAddress();
  // The client writes a new first hop every time; the (trusted) proxy appends the real address.
  const attempt = (forwardedFor: string) =>
    postSignin(api, 'form', { email: uniqueEmail('nobody'), password: 'guess', csrfToken: csrf }, { 'x-forwarded-for': forwardedFor });
  for (let i = 0; i < 10; i++) expect((await attempt(`${randomAddress()}, ${client}`)).status()).toBe(401);
  const blocked = await attempt(`${randomAddress()}, ${client}`);
  expect(blocked.status()).toBe(429);
  expect((await blocked.json()).error.message).toMatch(LOCKED);
  // Another client behind the same proxy is not affected.
  expect((await attempt(`${client}, ${randomAddress()}`)).status()).toBe(401);
});

test('without DROVER_TRUSTED_PROXIES the socket address is limited: X-Forwarded-For and x-drover-peer from the client change nothing; a forged session cookie logs no stack trace', async () => {
  test.setTimeout(stretched(240_000));
  const port = Number(process.env.E2E_PORT) + 8;
  // Database 3 of the e2e Redis: this console's loopback address fills its own window, not the main console's.
  const plain = startConsole(port, {
    REDIS_URL: `${redisUrl()}/3`,
    AUTH_SECRET: process.env.E2E_AUTH_SECRET,
    DROVER_ADMIN_EMAIL: undefined,
    DROVER_ADMIN_PASSWORD: undefined,
    DROVER_TRUSTED_PROXIES: undefined,
  });
  try {
    await waitHealthy(plain);
    const api = await request.newContext({ baseURL: plain.base });
    const csrf = await csrfToken(api);
    const attempt = () =>
      postSignin(api, 'form', { email: uniqueEmail('spray'), password: 'guess', csrfToken: csrf }, { 'x-forwarded-for': randomAddress(), 'x-drover-peer': randomAddress() });
    for (let i = 0; i < 10; i++) expect((await attempt()).status()).toBe(401);
    const blocked = await attempt();
    expect(blocked.status()).toBe(429);
    expect((await blocked.json()).error.message).toMatch(LOCKED);
    await api.dispose();

    // A forged session cookie is an anonymous client's doing: a 401, and no multi-line stack trace in
    // the console's log per request (next-auth's default logger printed one).
    const forged = await request.newContext({ baseURL: plain.base, extraHTTPHeaders: { cookie: 'next-auth.session-token=forged.not-a-jwe' } });
    for (const url of ['/api/v1/me', '/api/health']) await forged.get(url);
    expect((await forged.get('/api/v1/me')).status()).toBe(401);
    await forged.dispose();
    expect(plain.output()).not.toContain('JWT_SESSION_ERROR');
    expect(plain.output()).not.toMatch(/^\s+at /m);
  } finally {
    await plain.stop();
  }
});

test('a body over 64 KB to /api/auth is refused with 413 before it is read, with or without Content-Length', async ({ request: api }) => {
  const csrf = await csrfToken(api);
  const big = await api.post('/api/auth/callback/credentials', {
    headers: { 'x-forwarded-for': randomAddress() },
    form: { email: USERS.viewer.email, password: 'x'.repeat(100 * 1024), csrfToken: csrf, json: 'true' },
  });
  expect(big.status()).toBe(413);
  expect((await big.json()).error.code).toBe('payload_too_large');

  // Chunked, no Content-Length: the byte counter stops it.
  const url = new URL('/api/auth/signout', baseURL);
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' } }, (res) => {
      answered = true;
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server may answer and close while we are still writing: only an error before any answer counts.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    for (let i = 0; i < 10; i++) req.write(`a${i}=${'y'.repeat(10 * 1024)}&`);
    req.end();
  });
  expect(chunked.status).toBe(413);
  expect(JSON.parse(chunked.body).error.code).toBe('payload_too_large');
});

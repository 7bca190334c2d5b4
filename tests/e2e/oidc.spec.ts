// OIDC wiring: with OIDC_* set, the sign-in page offers single sign-on and sends the browser to the
// issuer's authorization endpoint with the client id, PKCE and state (a local discovery document
// stands in for the identity provider; no real IdP is reachable offline). Then a whole sign-in through
// a local OpenID provider (./oidc-provider.ts) whose ID token carries a `groups` claim: the config
// file's `sso` mapping gives the user a global role and grants, replaced at the next sign-in.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { test, expect } from '@playwright/test';
import { gotoHydrated, redisUrl, stretched } from './support';
import { startConsole, waitHealthy } from './console-process';
import { startOidcProvider } from './oidc-provider';

test('single sign-on button leads to the issuer with client id, PKCE and state', async ({ browser }) => {
  test.setTimeout(stretched(240_000));
  const issuer = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          jwks_uri: `${base}/jwks`,
          userinfo_endpoint: `${base}/userinfo`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('identity provider');
  });
  await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', r));
  const issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
  const port = Number(process.env.E2E_PORT) + 5;
  const sso = startConsole(port, {
    REDIS_URL: redisUrl(),
    AUTH_SECRET: process.env.E2E_AUTH_SECRET,
    NEXTAUTH_URL: `http://localhost:${port}`,
    OIDC_ISSUER: issuerUrl,
    OIDC_CLIENT_ID: 'drover-test-client',
    OIDC_CLIENT_SECRET: 'client-secret-value',
    OIDC_NAME: 'Test SSO',
    DROVER_ADMIN_EMAIL: undefined,
    DROVER_ADMIN_PASSWORD: undefined,
  });
  try {
    await waitHealthy(sso);
    const context = await browser.newContext({ baseURL: sso.base });
    const page = await context.newPage();
    await gotoHydrated(page, '/signin');
    // The client secret never reaches the browser.
    expect(await page.content()).not.toContain('client-secret-value');
    expect(await (await page.request.get('/api/auth/providers')).text()).not.toContain('client-secret-value');
    const toIssuer = page.waitForRequest((r) => r.url().startsWith(`${issuerUrl}/authorize`));
    await page.getByRole('button', { name: 'Sign in with Test SSO' }).click();
    const url = new URL((await toIssuer).url());
    expect(url.searchParams.get('client_id')).toBe('drover-test-client');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('scope')).toBe('openid email profile');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toBeTruthy();
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('redirect_uri')).toBe(`http://localhost:${port}/api/auth/callback/oidc`);
    await context.close();
  } finally {
    await sso.stop();
    issuer.close();
  }
});

test('a single sign-on user gets the global role and grants their provider groups map to, at every sign-in', async ({ browser }) => {
  test.setTimeout(stretched(240_000));
  const client = { id: 'drover-groups-client', secret: `client-secret-${randomBytes(8).toString('hex')}` };
  const provider = await startOidcProvider(client);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-sso-'));
  const config = path.join(dir, 'drover.config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      connections: [{ name: 'default', url: redisUrl() }],
      sso: {
        groupsClaim: 'groups',
        groups: {
          'billing-team': { grants: ['operator@*/billing-*'] },
          'email-readers': { grants: [{ connection: '*', queue: 'email', role: 'viewer' }] },
          'on-call': { role: 'viewer' },
        },
        defaultRole: 'none',
      },
    }),
  );
  const port = Number(process.env.E2E_PORT) + 6;
  const sso = startConsole(port, {
    DROVER_CONFIG: config,
    REDIS_URL: undefined,
    AUTH_SECRET: process.env.E2E_AUTH_SECRET,
    NEXTAUTH_URL: `http://localhost:${port}`,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: client.id,
    OIDC_CLIENT_SECRET: client.secret,
    OIDC_NAME: 'Groups SSO',
    DROVER_ADMIN_EMAIL: undefined,
    DROVER_ADMIN_PASSWORD: undefined,
  });
  const email = `sso-${randomBytes(4).toString('hex')}@e2e.test`;
  async function signInWithGroups(groups: string[]) {
    provider.signInAs({ sub: email, email, name: 'Grace', groups });
    const context = await browser.newContext({ baseURL: sso.base });
    const page = await context.newPage();
    await gotoHydrated(page, '/signin');
    await page.getByRole('button', { name: 'Sign in with Groups SSO' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/signin') && !u.pathname.startsWith('/api/auth'), { timeout: 60_000 });
    const me = await (await page.request.get('/api/v1/me')).json();
    await context.close();
    return me;
  }
  try {
    await waitHealthy(sso);
    expect(await signInWithGroups(['billing-team', 'email-readers', 'marketing'])).toEqual({
      kind: 'session',
      name: email,
      role: 'operator',
      globalRole: 'none',
      grants: [
        { connection: '*', queue: 'billing-*', role: 'operator' },
        { connection: '*', queue: 'email', role: 'viewer' },
      ],
    });
    // The provider's groups changed: the next sign-in replaces what the first one set.
    expect(await signInWithGroups(['on-call'])).toEqual({ kind: 'session', name: email, role: 'viewer', globalRole: 'viewer', grants: [] });
    expect(provider.requests).toContain('/token');
  } finally {
    await sso.stop();
    await provider.close();
  }
});

// Raw sign-in over HTTP, the way a script (or an attacker with curl) does it: CSRF token, then a form
// or JSON POST to next-auth's credentials callback.
import { randomBytes } from 'node:crypto';
import { expect, request, type APIRequestContext, type APIResponse } from '@playwright/test';
import { apiAs, baseURL } from './support';

export type Encoding = 'form' | 'json';

export async function csrfToken(api: APIRequestContext): Promise<string> {
  return (await (await api.get('/api/auth/csrf')).json()).csrfToken;
}

/** One sign-in POST; `fields` beyond email/password/csrfToken are sent as given. */
export async function postSignin(
  api: APIRequestContext,
  encoding: Encoding,
  fields: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<APIResponse> {
  const body = { json: 'true', ...fields };
  if (encoding === 'json') {
    return api.post('/api/auth/callback/credentials', { headers: { 'content-type': 'application/json', ...headers }, data: Buffer.from(JSON.stringify(body)), maxRedirects: 0 });
  }
  return api.post('/api/auth/callback/credentials', { headers, form: body as Record<string, string>, maxRedirects: 0 });
}

/** A random documentation-range address (198.18.0.0/15 is for benchmarks: never a real client). */
export function randomAddress(): string {
  const b = randomBytes(3);
  return `198.${18 + (b[0] & 1)}.${b[1]}.${b[2]}`;
}

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${randomBytes(3).toString('hex')}@e2e.test`;
}

/** Creates a user through the admin API (its own account: specs that lock or revoke never touch the shared ones). */
export async function createUser(email: string, password: string, role: 'viewer' | 'operator' | 'admin' = 'viewer'): Promise<void> {
  const admin = await apiAs('admin');
  const res = await admin.post('/api/v1/users', { data: { email, role, password } });
  expect(res.status(), await res.text()).toBe(201);
  await admin.dispose();
}

/** Signs in through the credentials callback in a fresh context; returns it and the session cookie. */
export async function signInOverHttp(email: string, password: string, headers: Record<string, string> = {}, base = baseURL) {
  const api = await request.newContext({ baseURL: base, extraHTTPHeaders: { origin: base, ...headers } });
  const res = await postSignin(api, 'form', { email, password, csrfToken: await csrfToken(api) });
  expect(res.status(), await res.text()).toBe(200);
  const state = await api.storageState();
  const cookie = state.cookies.find((c) => c.name.endsWith('next-auth.session-token'));
  expect(cookie).toBeTruthy();
  return { api, cookie: `${cookie!.name}=${cookie!.value}` };
}

/** A context that only carries a copy of someone's session cookie (a stolen or second copy). */
export async function withCookie(cookie: string, base = baseURL): Promise<APIRequestContext> {
  return request.newContext({ baseURL: base, extraHTTPHeaders: { cookie, origin: base } });
}

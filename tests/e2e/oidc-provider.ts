// A small OpenID Connect provider for the e2e specs: discovery, an authorization endpoint that signs in
// the next configured user at once (no login page) and redirects back with a code, a token endpoint
// that checks the client secret and PKCE and answers an RS256 ID token carrying that user's claims
// (a `groups` claim included), the JWKS to check it, and userinfo.
import http from 'node:http';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type OidcUser = { sub: string; email: string; name?: string; email_verified?: boolean; groups?: string[] };

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startOidcProvider(client: { id: string; secret: string }) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  let nextUser: OidcUser | null = null;
  const codes = new Map<string, { user: OidcUser; challenge: string; nonce?: string }>();
  const tokens = new Map<string, OidcUser>();
  const requests: string[] = [];

  const server = http.createServer(async (req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = new URL(req.url ?? '/', base);
    requests.push(url.pathname);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/jwks`,
        userinfo_endpoint: `${base}/userinfo`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      if (!nextUser || url.searchParams.get('client_id') !== client.id) return json(400, { error: 'invalid_request' });
      const code = randomBytes(16).toString('hex');
      codes.set(code, { user: nextUser, challenge: url.searchParams.get('code_challenge') ?? '', nonce: url.searchParams.get('nonce') ?? undefined });
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      if (url.searchParams.get('state')) back.searchParams.set('state', url.searchParams.get('state')!);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent) : [form.get('client_id'), form.get('client_secret')];
      if (id !== client.id || secret !== client.secret) return json(401, { error: 'invalid_client' });
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!grant) return json(400, { error: 'invalid_grant' });
      if (b64url(createHash('sha256').update(form.get('code_verifier') ?? '').digest()) !== grant.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE' });
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: base, aud: client.id, iat: now, exp: now + 300, ...(grant.nonce ? { nonce: grant.nonce } : {}), email_verified: true, ...grant.user };
      const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'test-key' }));
      const payload = b64url(JSON.stringify(claims));
      const signature = b64url(sign('sha256', Buffer.from(`${header}.${payload}`), privateKey));
      const accessToken = randomBytes(16).toString('hex');
      tokens.set(accessToken, grant.user);
      return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: `${header}.${payload}.${signature}` });
    }
    if (url.pathname === '/userinfo') {
      const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      return user ? json(200, { email_verified: true, ...user }) : json(401, { error: 'invalid_token' });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The user the next authorization request signs in. */
    signInAs(user: OidcUser) {
      nextUser = user;
    },
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

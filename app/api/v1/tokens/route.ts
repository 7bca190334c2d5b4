// GET /api/v1/tokens (admin) — list API tokens (never the secrets); POST — create one, shown once.
import { apiRoute } from '@/lib/http/api-route';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { createTokenInput, issueApiToken } from '@/lib/users/commands';

export const GET = apiRoute({ role: 'admin' }, async () => ({ tokens: await listApiTokens() }));

export const POST = apiRoute({ role: 'admin', audit: 'token.create', body: createTokenInput }, async ({ body, audit }) => {
  const { token, record } = await issueApiToken(audit, body);
  return Response.json({ token, ...record }, { status: 201 });
});

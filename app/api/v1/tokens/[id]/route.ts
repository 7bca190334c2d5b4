// DELETE /api/v1/tokens/{id} (admin) — revoke; the next request with that token gets 401.
import { apiRoute } from '@/lib/http/api-route';
import { revokeToken, revokeTokenInput } from '@/lib/users/commands';

export const DELETE = apiRoute({ role: 'admin', audit: 'token.revoke', params: revokeTokenInput }, async ({ params, audit }) => {
  const record = await revokeToken(audit, params);
  return { revoked: record.id };
});

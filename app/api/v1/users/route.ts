// GET /api/v1/users (admin) — list users; POST — add one (password generated and returned once when omitted).
import { apiRoute } from '@/lib/http/api-route';
import { listUsers } from '@/lib/auth/users';
import { addUser, addUserInput } from '@/lib/users/commands';

export const GET = apiRoute({ role: 'admin' }, async () => ({ users: await listUsers() }));

export const POST = apiRoute({ role: 'admin', audit: 'user.add', body: addUserInput }, async ({ body, audit }) => {
  const created = await addUser(audit, body);
  return Response.json(created, { status: 201 });
});

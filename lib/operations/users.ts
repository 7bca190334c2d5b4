// Operations on users, API tokens and sessions: admins manage users and tokens; any signed-in user can
// change their own password and end all of their own sessions.
import { addUserInput, changeOwnPasswordInput, changeOwnPasswordOutput, createTokenInput, tokenParamsSchema, updateUserInput, userParamsSchema } from '@/lib/users/schemas';
import { operation } from './define';

const exampleUser = { email: 'alice@example.com' };

export const userOperations = {
  listUsers: operation({
    name: 'users.list', role: 'admin', http: { method: 'GET', path: '/users' },
    summary: 'Every user with global role, grants, source (password or single sign-on) and timestamps (never password hashes)',
    run: async () => ({ users: await (await import('@/lib/auth/users')).listUsers() }),
  }),
  addUser: operation({
    name: 'user.add', role: 'admin', http: { method: 'POST', path: '/users', status: 201 }, action: 'addUserAction',
    summary: 'Add a user with a global role (may be "none") and optional grants; without a password one is generated and returned once',
    description: 'Grants are objects `{connection, queue, role}` (patterns with * and ?; role none|viewer|operator|admin) or the short form "operator@main/billing-*"; at most 50. The most specific matching grant decides on a queue, else the global role (README › Team scopes).',
    body: addUserInput, example: { body: { email: 'alice@example.com', role: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'operator' }, 'viewer@*/email'] } },
    run: async (ctx, { body }) => (await import('@/lib/users/add-user')).addUser(ctx, body),
  }),
  updateUser: operation({
    name: 'user.update', role: 'admin', http: { method: 'PATCH', path: '/users/{email}' }, action: 'updateUserAction',
    summary: 'Change a user’s global role, grants and/or password (`resetPassword` generates one, returned once)',
    description: 'A new role or password ends the user’s sessions. `grants` replaces all of the user’s grants (`[]` removes them) and applies from their next request; the audit entry names the grants before and after. The last global admin cannot lose that role.',
    params: userParamsSchema, body: updateUserInput, example: { params: exampleUser, body: { role: 'viewer', grants: ['operator@*/billing-*'] } },
    run: async (ctx, { params, body }) => (await import('@/lib/users/update-user')).updateUser(ctx, params, body),
  }),
  removeUser: operation({
    name: 'user.remove', role: 'admin', http: { method: 'DELETE', path: '/users/{email}' }, action: 'removeUserAction',
    summary: 'Remove a user and end their sessions (not yourself, not the last admin)',
    params: userParamsSchema, example: { params: exampleUser },
    run: async (ctx, { params }) => (await import('@/lib/users/remove-user')).deleteUser(ctx, params),
  }),
  listTokens: operation({
    name: 'tokens.list', role: 'admin', http: { method: 'GET', path: '/tokens' },
    summary: 'Every API token with global role, grants, creator, expiry and last use (never the token)',
    run: async () => ({ tokens: await (await import('@/lib/auth/api-tokens')).listApiTokens() }),
  }),
  createToken: operation({
    name: 'token.create', role: 'admin', http: { method: 'POST', path: '/tokens', status: 201 }, action: 'createTokenAction',
    summary: 'Create an API token with a global role (may be "none"), optional grants and an optional expiry; the token is returned once',
    description: 'Token names are unique across the console, ignoring case: a name a live token holds is refused with 409 naming that token. Revoking a token frees its name.',
    body: createTokenInput, example: { body: { name: 'ci', role: 'operator', expiresIn: '90d' } },
    run: async (ctx, { body }) => (await import('@/lib/users/issue-api-token')).issueApiTokenResponse(ctx, body),
  }),
  revokeToken: operation({
    name: 'token.revoke', role: 'admin', http: { method: 'DELETE', path: '/tokens/{id}' }, action: 'revokeTokenAction',
    summary: 'Revoke an API token: its next request gets 401',
    params: tokenParamsSchema, example: { params: { id: '00000000-0000-4000-8000-000000000000' } },
    run: async (ctx, { params }) => (await import('@/lib/users/revoke-token')).revokeToken(ctx, params),
  }),
  signOutEverywhere: operation({
    name: 'session.revoke-all', role: 'viewer', scope: 'self', http: { method: 'POST', path: '/me/sign-out-everywhere' }, action: 'signOutEverywhereAction',
    summary: 'End every session of the signed-in user, this one included (the user menu’s “Sign out everywhere”)',
    run: async (ctx) => (await import('@/lib/users/sign-out-everywhere')).signOutEverywhere(ctx),
  }),
  changeOwnPassword: operation({
    name: 'me.password', role: 'viewer', scope: 'self', http: { method: 'POST', path: '/me/password' }, action: 'changeOwnPasswordAction',
    summary: 'Change the signed-in user’s own password, given the current one; ends their other sessions and keeps this one',
    description:
      'A wrong current password is refused (400, "Current password is wrong") and counts as a failed sign-in of the account: ' +
      'after 10 within 15 minutes both this and the sign-in form answer 429 with Retry-After. ' +
      'A single sign-on user (no password here) and an API token get 409. A forgotten password is reset by an admin ' +
      '(`PATCH /users/{email}`) or from the shell (`npm run users -- passwd <email>`).',
    rateLimited: 'Too many wrong current passwords for this account: the sign-in limit (see Retry-After)',
    body: changeOwnPasswordInput, output: changeOwnPasswordOutput,
    example: { body: { currentPassword: 'the current password', newPassword: 'a new long password' } },
    run: async (ctx, { body }) => (await import('@/lib/users/change-own-password')).changeOwnPassword(ctx, body),
  }),
};

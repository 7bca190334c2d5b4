// Operations on users, API tokens and sessions: admins manage users and tokens; any signed-in user can
// end all of their own sessions.
import { addUserInput, createTokenInput, tokenParamsSchema, updateUserInput, userParamsSchema } from '@/lib/users/schemas';
import { operation } from './define';

const exampleUser = { email: 'alice@example.com' };

export const userOperations = {
  listUsers: operation({
    name: 'users.list', role: 'admin', http: { method: 'GET', path: '/users' },
    summary: 'Every user with role, source (password or single sign-on) and timestamps (never password hashes)',
    run: async () => ({ users: await (await import('@/lib/auth/users')).listUsers() }),
  }),
  addUser: operation({
    name: 'user.add', role: 'admin', http: { method: 'POST', path: '/users', status: 201 }, action: 'addUserAction',
    summary: 'Add a user; without a password one is generated and returned once',
    body: addUserInput, example: { body: { email: 'alice@example.com', role: 'operator' } },
    run: async (ctx, { body }) => (await import('@/lib/users/add-user')).addUser(ctx, body),
  }),
  updateUser: operation({
    name: 'user.update', role: 'admin', http: { method: 'PATCH', path: '/users/{email}' }, action: 'updateUserAction',
    summary: 'Change a user’s role and/or password (`resetPassword` generates one, returned once); ends their sessions',
    params: userParamsSchema, body: updateUserInput, example: { params: exampleUser, body: { role: 'viewer' } },
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
    summary: 'Every API token with role, creator, expiry and last use (never the token)',
    run: async () => ({ tokens: await (await import('@/lib/auth/api-tokens')).listApiTokens() }),
  }),
  createToken: operation({
    name: 'token.create', role: 'admin', http: { method: 'POST', path: '/tokens', status: 201 }, action: 'createTokenAction',
    summary: 'Create an API token with a role and an optional expiry; the token is returned once',
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
    name: 'session.revoke-all', role: 'viewer', http: { method: 'POST', path: '/me/sign-out-everywhere' }, action: 'signOutEverywhereAction',
    summary: 'End every session of the signed-in user, this one included (the user menu’s “Sign out everywhere”)',
    run: async (ctx) => (await import('@/lib/users/sign-out-everywhere')).signOutEverywhere(ctx),
  }),
};

// Operations on users, API tokens and sessions: admins manage users and tokens; any signed-in user can
// end all of their own sessions.
import { addUserInput, createTokenInput, tokenParamsSchema, updateUserInput, userParamsSchema } from '@/lib/users/schemas';
import { operation } from './define';

const exampleUser = { email: 'alice@example.com' };

export const userOperations = {
  listUsers: operation({
    name: 'users.list',
    tag: 'users',
    summary: 'Every user with role, source (password or single sign-on) and timestamps (never password hashes)',
    role: 'admin',
    http: { method: 'GET', path: '/users' },
    run: async () => ({ users: await (await import('@/lib/auth/users')).listUsers() }),
  }),
  addUser: operation({
    name: 'user.add',
    tag: 'users',
    summary: 'Add a user; without a password one is generated and returned once',
    role: 'admin',
    http: { method: 'POST', path: '/users', status: 201 },
    body: addUserInput,
    action: 'addUserAction',
    example: { body: { email: 'alice@example.com', role: 'operator' } },
    run: async (ctx, { body }) => (await import('@/lib/users/add-user')).addUser(ctx, body),
  }),
  updateUser: operation({
    name: 'user.update',
    tag: 'users',
    summary: 'Change a user’s role and/or password (`resetPassword` generates one, returned once); ends their sessions',
    role: 'admin',
    http: { method: 'PATCH', path: '/users/{email}' },
    params: userParamsSchema,
    body: updateUserInput,
    action: 'updateUserAction',
    example: { params: exampleUser, body: { role: 'viewer' } },
    run: async (ctx, { params, body }) => (await import('@/lib/users/update-user')).updateUser(ctx, params, body),
  }),
  removeUser: operation({
    name: 'user.remove',
    tag: 'users',
    summary: 'Remove a user and end their sessions (not yourself, not the last admin)',
    role: 'admin',
    http: { method: 'DELETE', path: '/users/{email}' },
    params: userParamsSchema,
    action: 'removeUserAction',
    example: { params: exampleUser },
    run: async (ctx, { params }) => (await import('@/lib/users/remove-user')).deleteUser(ctx, params),
  }),
  listTokens: operation({
    name: 'tokens.list',
    tag: 'users',
    summary: 'Every API token with role, creator, expiry and last use (never the token)',
    role: 'admin',
    http: { method: 'GET', path: '/tokens' },
    run: async () => ({ tokens: await (await import('@/lib/auth/api-tokens')).listApiTokens() }),
  }),
  createToken: operation({
    name: 'token.create',
    tag: 'users',
    summary: 'Create an API token with a role and an optional expiry; the token is returned once',
    role: 'admin',
    http: { method: 'POST', path: '/tokens', status: 201 },
    body: createTokenInput,
    action: 'createTokenAction',
    example: { body: { name: 'ci', role: 'operator', expiresIn: '90d' } },
    run: async (ctx, { body }) => (await import('@/lib/users/issue-api-token')).issueApiTokenResponse(ctx, body),
  }),
  revokeToken: operation({
    name: 'token.revoke',
    tag: 'users',
    summary: 'Revoke an API token: its next request gets 401',
    role: 'admin',
    http: { method: 'DELETE', path: '/tokens/{id}' },
    params: tokenParamsSchema,
    action: 'revokeTokenAction',
    example: { params: { id: '00000000-0000-4000-8000-000000000000' } },
    run: async (ctx, { params }) => (await import('@/lib/users/revoke-token')).revokeToken(ctx, params),
  }),
  signOutEverywhere: operation({
    name: 'session.revoke-all',
    tag: 'users',
    summary: 'End every session of the signed-in user, this one included (the user menu’s “Sign out everywhere”)',
    role: 'viewer',
    action: 'signOutEverywhereAction',
    run: async (ctx) => (await import('@/lib/users/sign-out-everywhere')).signOutEverywhere(ctx),
  }),
};

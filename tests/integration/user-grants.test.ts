// Grants of users and API tokens with the console on Redis and on PostgreSQL: given through user.add,
// user.update and token.create (objects or the short form), shown by the lists, checked with messages
// naming the grant and its part; a grants change keeps the user's sessions and is audited with the
// grants before and after; the last global admin keeps that role. OIDC group mapping: the sign-in
// callback sets an OIDC user's global role and grants from the groups claim at every sign-in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { configureFromFile, ctxAs } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { auditLog } from '../helpers/auth-peek';
import { createUser, getUser, listUsers, setUserRole, upsertOidcUser } from '@/lib/auth/users';
import { countSessions, newSessionId, registerSession } from '@/lib/auth/sessions';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { addUser } from '@/lib/users/add-user';
import { updateUser } from '@/lib/users/update-user';
import { accessFromGroups } from '@/lib/auth/oidc-groups';
import { ssoConfigSchema } from '@/lib/auth/sso-schema';
import { authOptions } from '@/lib/auth/options';
import * as usersRoute from '@/app/api/v1/users/route';
import * as userRoute from '@/app/api/v1/users/[email]/route';
import * as tokensRoute from '@/app/api/v1/tokens/route';
import * as meRoute from '@/app/api/v1/me/route';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { addUserInput, updateUserInput } from '@/lib/users/schemas';

const admin = ctxAs('admin', 'root@test');
const DAY = 86_400_000;

function req(token: string, method = 'GET', body?: unknown, url = 'http://console.test/api/v1/users') {
  return new Request(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}
const noParams = { params: Promise.resolve({}) };

const SSO = {
  groupsClaim: 'groups',
  groups: {
    'billing-team': { grants: ['operator@*/billing-*', 'viewer@*/email'] },
    'email-oncall': { role: 'viewer', grants: [{ connection: 'main', queue: 'email', role: 'operator' }] },
    'drover-admins': { role: 'admin' },
  },
  defaultRole: 'none',
};

describe('OIDC group mapping (pure)', () => {
  const sso = ssoConfigSchema.parse(SSO);

  it('gives the highest role among mapped groups and the union of their grants; unmapped groups count for nothing', () => {
    expect(accessFromGroups(sso, ['billing-team', 'email-oncall', 'marketing'])).toEqual({
      role: 'viewer',
      grants: [
        { connection: '*', queue: 'billing-*', role: 'operator' },
        { connection: '*', queue: 'email', role: 'viewer' },
        { connection: 'main', queue: 'email', role: 'operator' },
      ],
      groups: ['billing-team', 'email-oncall'],
      truncated: false,
    });
    expect(accessFromGroups(sso, ['drover-admins', 'email-oncall']).role).toBe('admin');
    // No mapped group, no claim, a claim of the wrong shape: the default role and no grants.
    for (const claim of [['marketing'], undefined, 42, { groups: ['drover-admins'] }]) expect(accessFromGroups(sso, claim)).toMatchObject({ role: 'none', grants: [] });
    // One group as a plain string; a group named like an object property is not mapped.
    expect(accessFromGroups(sso, 'drover-admins').role).toBe('admin');
    expect(accessFromGroups(sso, ['constructor', 'toString']).groups).toEqual([]);
  });

  it('refuses a mapping with a bad grant, naming it', () => {
    const bad = ssoConfigSchema.safeParse({ groups: { ops: { grants: ['operator@*/billing-*', 'boss@*/x'] } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['groups.ops.grants.1.role']);
  });
});

describe.each(STORE_KINDS)('grants with the console on %s', (kind) => {
  const c = consoleForThisFile(kind);

  beforeEach(async () => {
    await c.reset();
  });

  it('user.add takes a global role "none" and grants (objects or the short form); the list shows them', async () => {
    const { user } = await addUser(admin, addUserInput.parse({ email: 'alice@x', role: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'operator' }, 'viewer@*/email', 'admin@main/audit'] }));
    expect(user).toMatchObject({ role: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'operator' }, { connection: '*', queue: 'email', role: 'viewer' }, { connection: 'main', queue: 'audit', role: 'admin' }] });
    expect((await listUsers()).find((u) => u.email === 'alice@x')?.grants).toHaveLength(3);
    expect((await auditLog('user.add')).at(-1)?.params).toMatchObject({ role: 'none', grants: 'operator@*/billing-*, viewer@*/email, admin@main/audit' });
  });

  it('a grants change keeps the user’s sessions, is audited with the grants before and after, and [] removes them', async () => {
    await createUser({ email: 'root@test', password: 'a long password', role: 'admin' });
    await createUser({ email: 'bob@x', password: 'a long password', role: 'viewer', grants: [{ connection: '*', queue: 'email', role: 'operator' }] });
    await registerSession('bob@x', newSessionId(), DAY);
    const { user } = await updateUser(admin, { email: 'bob@x' }, { role: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'operator' }] });
    expect(user).toMatchObject({ role: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'operator' }] });
    // The role change ended the sessions (as before); a grants-only change does not.
    await registerSession('bob@x', newSessionId(), DAY);
    await updateUser(admin, { email: 'bob@x' }, { grants: [] });
    expect(await countSessions('bob@x')).toBe(1);
    expect((await getUser('bob@x'))?.grants).toBeUndefined();
    const entries = (await auditLog('user.update')).slice(-2).map((e) => e.params);
    expect(entries).toEqual([
      { email: 'bob@x', role: 'none', grants: 'operator@*/billing-*', previousRole: 'viewer', previousGrants: 'operator@*/email' },
      { email: 'bob@x', grants: 'none', previousGrants: 'operator@*/billing-*' },
    ]);
  });

  it('the last global admin cannot become "none", even with admin grants', async () => {
    await createUser({ email: 'root@x', password: 'a long password', role: 'admin' });
    await expect(updateUser(admin, { email: 'root@x' }, updateUserInput.parse({ role: 'none', grants: ['admin@*/*'] }))).rejects.toThrow('This is the only admin');
    expect((await getUser('root@x'))?.role).toBe('admin');
    await createUser({ email: 'second@x', password: 'a long password', role: 'none', grants: [{ connection: '*', queue: '*', role: 'admin' }] });
    // An admin through a grant is not a global admin.
    await expect(setUserRole('root@x', 'operator')).rejects.toThrow('This is the only admin');
  });

  it('over HTTP: errors name the grant and its part; at most 50; tokens take role "none" and grants and list them', async () => {
    await createUser({ email: 'root@test', password: 'a long password', role: 'admin' });
    await createUser({ email: 'carol@x', password: 'a long password', role: 'viewer' });
    const token = (await issueApiToken(admin, { name: 'grants-admin', role: 'admin' })).token;
    const patch = (body: unknown) => userRoute.PATCH(req(token, 'PATCH', body, 'http://console.test/api/v1/users/carol@x'), { params: Promise.resolve({ email: 'carol@x' }) });

    const bad = await patch({ grants: ['viewer@*/email', { connection: 'main', queue: ' ', role: 'operator' }, 'boss@*/x'] });
    expect(bad.status).toBe(400);
    const error = (await bad.json()).error;
    expect(error.message).toContain('grants[1].queue: a pattern is required (use * for every one)');
    expect(Object.keys(error.fieldErrors)).toEqual(['grants[1].queue', 'grants[2].role']);
    const tooMany = await patch({ grants: Array.from({ length: 51 }, (_, i) => `viewer@*/q${i}`) });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.message).toContain('at most 50 grants');
    expect((await getUser('carol@x'))?.grants).toBeUndefined();

    const ok = await patch({ role: 'none', grants: ['operator@main/billing-*'] });
    expect(ok.status).toBe(200);
    const listed = await (await usersRoute.GET(req(token), noParams)).json();
    expect(listed.users.find((u: { email: string }) => u.email === 'carol@x')).toMatchObject({ role: 'none', grants: [{ connection: 'main', queue: 'billing-*', role: 'operator' }] });

    const created = await tokensRoute.POST(req(token, 'POST', { name: 'billing-bot', role: 'none', grants: ['operator@*/billing-*'] }, 'http://console.test/api/v1/tokens'), noParams);
    expect(created.status).toBe(201);
    const bot = await created.json();
    expect(bot).toMatchObject({ role: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'operator' }] });
    expect((await listApiTokens()).find((t) => t.name === 'billing-bot')?.grants).toEqual([{ connection: '*', queue: 'billing-*', role: 'operator' }]);
    const me = await (await meRoute.GET(req(bot.token, 'GET', undefined, 'http://console.test/api/v1/me'), noParams)).json();
    expect(me).toEqual({ kind: 'token', name: 'token:billing-bot', role: 'operator', globalRole: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'operator' }] });
    // A token with role "none" and grants reaches no global operation.
    expect((await usersRoute.GET(req(bot.token), noParams)).status).toBe(403);
  });

  it('the OIDC sign-in callback sets the role and grants from the groups claim at every sign-in, audited when they change; password users are untouched', async () => {
    process.env.AUTH_SECRET ??= 'a test secret that is long enough for next-auth 123';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-sso-'));
    const file = path.join(dir, 'drover.config.json');
    fs.writeFileSync(file, JSON.stringify({ connections: [{ name: 'console', url: c.url }], sso: SSO }));
    await configureFromFile(file);
    const signIn = authOptions().callbacks!.signIn!;
    const signInWith = async (email: string, groups: unknown) => {
      const user = { id: email, email, name: 'Dana', role: undefined as never };
      const result = await signIn({ user, account: { provider: 'oidc', type: 'oauth', providerAccountId: email }, profile: { email, email_verified: true, groups } as never });
      return { result, role: user.role };
    };

    expect(await signInWith('dana@x', ['billing-team', 'marketing'])).toEqual({ result: true, role: 'none' });
    expect(await getUser('dana@x')).toMatchObject({ source: 'oidc', role: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'operator' }, { connection: '*', queue: 'email', role: 'viewer' }] });
    // What an admin set meanwhile is replaced by the next sign-in.
    await updateUser(admin, { email: 'dana@x' }, updateUserInput.parse({ grants: ['admin@*/*'] }));
    expect(await signInWith('dana@x', ['email-oncall'])).toEqual({ result: true, role: 'viewer' });
    expect(await getUser('dana@x')).toMatchObject({ role: 'viewer', grants: [{ connection: 'main', queue: 'email', role: 'operator' }] });
    // The same groups again: nothing to change, nothing audited.
    await signInWith('dana@x', ['email-oncall']);
    // Out of every mapped group: the default role and no grants.
    await signInWith('dana@x', []);
    expect((await getUser('dana@x'))?.grants).toBeUndefined();
    expect((await getUser('dana@x'))?.role).toBe('none');
    expect((await auditLog('user.sso-access')).map((e) => [e.outcome, e.params?.groups, e.params?.role, e.params?.grants])).toEqual([
      ['ok', 'billing-team', 'none', 'operator@*/billing-*, viewer@*/email'],
      ['ok', 'email-oncall', 'viewer', 'operator@main/email'],
      ['ok', 'none mapped', 'none', 'none'],
    ]);

    // A password account with the same email is refused, and keeps what it had.
    await createUser({ email: 'local@x', password: 'a long password', role: 'operator' });
    expect((await signInWith('local@x', ['drover-admins'])).result).toBe('/signin?error=OidcLocalAccount');
    expect(await getUser('local@x')).toMatchObject({ role: 'operator', source: 'local' });
    expect((await upsertOidcUser('local@x')).role).toBe('operator');
  });
});

// Review: "The last global admin cannot lose that role" (README › Team scopes › Giving grants) — also not
// through an OIDC sign-in whose groups map to a lower role (which would leave the console without an admin).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { configureFromFile } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { getUser, listUsers, setUserRole, upsertOidcUser } from '@/lib/auth/users';
import { authOptions } from '@/lib/auth/options';

describe('OIDC group mapping and the last global admin', () => {
  const c = consoleForThisFile('redis');
  beforeEach(() => c.reset());

  it('a sign-in whose groups give less does not take the global admin role from the only admin', async () => {
    process.env.AUTH_SECRET ??= 'a test secret that is long enough for next-auth 123';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-sso-'));
    const file = path.join(dir, 'drover.config.json');
    fs.writeFileSync(file, JSON.stringify({ connections: [{ name: 'console', url: c.url }], sso: { groups: { 'drover-admins': { role: 'admin' } }, defaultRole: 'none' } }));
    await configureFromFile(file);
    // The console's only admin signs in through OIDC.
    await upsertOidcUser('boss@x', 'Boss');
    await setUserRole('boss@x', 'admin');
    expect((await listUsers()).filter((u) => u.role === 'admin').map((u) => u.email)).toEqual(['boss@x']);

    // Their provider no longer sends the admins group (renamed, claim missing, mapping typo).
    const signIn = authOptions().callbacks!.signIn!;
    const user = { id: 'boss@x', email: 'boss@x', name: 'Boss', role: undefined as never };
    await Promise.resolve(signIn({ user, account: { provider: 'oidc', type: 'oauth', providerAccountId: 'boss@x' }, profile: { email: 'boss@x', email_verified: true, groups: [] } as never })).catch(() => undefined);

    // The console must still have a global admin.
    expect((await listUsers()).some((u) => u.role === 'admin')).toBe(true);
    expect((await getUser('boss@x'))?.role).toBe('admin');
  });
});

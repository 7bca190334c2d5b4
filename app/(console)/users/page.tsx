import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { listUsers } from '@/lib/auth/users';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { ROLE_DESCRIPTIONS, ROLES } from '@/lib/auth/roles';
import { UsersAdmin } from '@/components/users/users-admin';
import { TokensAdmin } from '@/components/users/tokens-admin';
import { ChangePasswordForm } from '@/components/users/change-password-form';

export const metadata: Metadata = { title: 'Users & tokens' };

export default async function UsersPage() {
  // About the whole console: admin through a grant on some queues does not count (README › Team scopes).
  const principal = await requirePageRole('admin', '/users', { global: true });
  const [users, tokens] = await Promise.all([listUsers(), listApiTokens()]);
  const you = users.find((u) => u.email === principal.id);
  return (
    <div className="max-w-5xl space-y-8">
      <section className="space-y-3">
        <h1 className="text-lg font-semibold">Users</h1>
        <dl className="grid gap-1 text-xs text-zinc-500 sm:grid-cols-3">
          {ROLES.map((r) => (
            <div key={r}>
              <dt className="font-semibold text-zinc-700 dark:text-zinc-300">{r}</dt>
              <dd>{ROLE_DESCRIPTIONS[r]}</dd>
            </div>
          ))}
        </dl>
        <UsersAdmin users={users} currentEmail={principal.id} />
      </section>
      {you?.source === 'local' && (
        <section className="space-y-3" id="your-password">
          <h2 className="text-base font-semibold">Change your password</h2>
          <p className="text-sm text-zinc-500">
            Signed in as <strong>{you.email}</strong>. Every user can also change theirs under <em>Change password</em> in the menu under their name.
          </p>
          <ChangePasswordForm email={you.email} />
        </section>
      )}
      <section className="space-y-3">
        <h2 className="text-base font-semibold">API tokens</h2>
        <p className="text-sm text-zinc-500">
          For automation: send <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> to any <code className="font-mono">/api/v1</code> route. A token
          has a role like a user; revoking it takes effect on the next request.
        </p>
        <TokensAdmin tokens={tokens} />
      </section>
    </div>
  );
}

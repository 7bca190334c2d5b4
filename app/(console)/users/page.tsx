import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { listUsers } from '@/lib/auth/users';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { ROLE_DESCRIPTIONS, ROLES } from '@/lib/auth/roles';
import { UsersAdmin } from '@/components/users/users-admin';
import { TokensAdmin } from '@/components/users/tokens-admin';
import { ChangePasswordForm } from '@/components/users/change-password-form';
import { PermissionMatrix } from '@/components/users/permission-matrix';
import { NONE_ROLE_HINT } from '@/components/users/role-options';
import { getPermissions } from '@/lib/permissions/get-permissions';

export const metadata: Metadata = { title: 'Users & tokens' };

export default async function UsersPage() {
  const principal = await requirePageRole('admin', '/users', { global: true });
  const [users, tokens, permissions] = await Promise.all([listUsers(), listApiTokens(), getPermissions()]);
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
        <p className="text-xs text-zinc-500">
          A user or token has a <strong>global role</strong> (on every queue no grant names; {NONE_ROLE_HINT}) and <strong>grants</strong>: a connection pattern, a queue
          pattern and a role. On a queue the most specific matching grant decides. Outside what they may see, a queue does not exist for them (404). Users, tokens and
          permissions need the global admin role.
        </p>
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
      <section className="space-y-3" id="permissions">
        <h2 className="text-base font-semibold">Permissions</h2>
        <p className="text-sm text-zinc-500">
          Withhold single operations from a role, on top of the role rules: a checked cell answers 403 to callers holding that role on the target. A cell is shown only
          where the role has the operation. Cells the config file&apos;s <code className="font-mono">permissions.withhold</code> sets are locked; operations on users,
          tokens and permissions always stay with admin. A change applies within {permissions.appliesWithinMs / 1000} s on every console replica.
        </p>
        <PermissionMatrix permissions={permissions} />
      </section>
    </div>
  );
}

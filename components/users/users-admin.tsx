'use client';
import { useState, type FormEvent } from 'react';
import { Link } from '@/components/ui/link';
import { addUserAction, removeUserAction, updateUserAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { Table, TBody, THead, Td, Th, Tr } from '@/components/ui/table';
import { Badge } from '@/components/ui/badge';
import { ConfirmFor } from '@/components/ui/confirm-dialog';
import { RelativeTime } from '@/components/ui/relative-time';
import { useRunAction } from '@/components/ui/use-run-action';
import type { PublicUser } from '@/lib/auth/user-schema';
import type { AccessRole as Role } from '@/lib/auth/scope';
import { RoleOptions } from './role-options';
import { GrantList } from './grant-list';
import { EditAccessDialog } from './edit-access-dialog';

export function UsersAdmin({ users, currentEmail }: { users: PublicUser[]; currentEmail: string }) {
  const { run, pending } = useRunAction();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [shownPassword, setShownPassword] = useState<{ email: string; password: string } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const [roleChange, setRoleChange] = useState<{ email: string; role: Role } | null>(null);
  const [editing, setEditing] = useState<PublicUser | null>(null);
  // The server refuses to demote the only admin; the page does not offer it.
  const onlyAdmin = users.filter((u) => u.role === 'admin').length === 1;

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const password = String(data.get('password') ?? '');
    // The short form, separated by spaces or commas; the server names a bad one (grants[1].queue).
    const grants = String(data.get('grants') ?? '').split(/[\s,]+/).filter(Boolean);
    run(() => addUserAction({ body: { email: String(data.get('email') ?? ''), role: String(data.get('role')) as Role, password: password || undefined, ...(grants.length ? { grants } : {}) } }), {
      success: (created) => `Added ${created.user.email} as ${created.user.role}${created.user.grants?.length ? ` with ${created.user.grants.length} grant${created.user.grants.length === 1 ? '' : 's'}` : ''}`,
      onDone: (res) => {
        if (!res.ok) return setFieldErrors(res.error.fieldErrors ?? {});
        setFieldErrors({});
        form.reset();
        if (res.data.password) setShownPassword({ email: res.data.user.email, password: res.data.password });
      },
    });
  }

  return (
    <div className="space-y-4">
      {shownPassword && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
          Password for <strong>{shownPassword.email}</strong> (shown once):{' '}
          <code data-testid="generated-password" className="font-mono select-all">{shownPassword.password}</code>
          <Button size="sm" variant="ghost" className="ml-2" onClick={() => setShownPassword(null)}>
            Dismiss
          </Button>
        </div>
      )}
      <Table>
        <THead>
          <tr>
            <Th>Email</Th>
            <Th>Global role</Th>
            <Th>Grants</Th>
            <Th>Sign-in</Th>
            <Th>Created</Th>
            <Th className="text-right">Actions</Th>
          </tr>
        </THead>
        <TBody>
          {users.map((user) => {
            const you = user.email === currentEmail;
            const lastAdmin = onlyAdmin && user.role === 'admin';
            return (
              <Tr key={user.email}>
                <Td className="font-medium">
                  {user.email} {you && <Badge>you</Badge>}
                </Td>
                <Td>
                  <Select
                    aria-label={`Role of ${user.email}`}
                    value={user.role}
                    disabled={pending || lastAdmin}
                    title={lastAdmin ? 'The only admin: make another user admin first' : undefined}
                    className="h-7 w-40 text-xs disabled:opacity-60"
                    onChange={(e) => setRoleChange({ email: user.email, role: e.target.value as Role })}
                  >
                    <RoleOptions withNone />
                  </Select>
                </Td>
                <Td>
                  <GrantList grants={user.grants} />
                </Td>
                <Td>{user.source === 'oidc' ? 'single sign-on' : 'password'}</Td>
                <Td>
                  <RelativeTime ms={user.createdAt} />
                </Td>
                <Td className="space-x-1 text-right whitespace-nowrap">
                  <Button size="sm" disabled={pending} onClick={() => setEditing(user)} aria-label={`Edit access of ${user.email}`}>
                    Access…
                  </Button>
                  {/* Your own password is changed with the current one, never reset blind (that would sign you out with a password nobody saw). */}
                  {user.source === 'local' && you && (
                    <Link
                      href="#your-password"
                      className="inline-flex h-7 items-center rounded-md border border-zinc-300 px-2 text-xs font-medium text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:text-zinc-100 dark:hover:bg-zinc-800"
                    >
                      Change your password
                    </Link>
                  )}
                  {user.source === 'local' && !you && (
                    <Button size="sm" disabled={pending} onClick={() => setResetting(user.email)}>
                      Reset password
                    </Button>
                  )}
                  <Button size="sm" variant="danger" disabled={pending || you} onClick={() => setRemoving(user.email)}>
                    Remove
                  </Button>
                </Td>
              </Tr>
            );
          })}
        </TBody>
      </Table>

      <form onSubmit={onAdd} className="flex flex-wrap items-end gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800" aria-label="Add user">
        <div className="min-w-56 flex-1">
          <Label htmlFor="new-email">Email</Label>
          <Input id="new-email" name="email" type="email" required aria-invalid={Boolean(fieldErrors.email)} />
          <FieldError messages={fieldErrors.email} />
        </div>
        <div>
          <Label htmlFor="new-role">Role</Label>
          <Select id="new-role" name="role" defaultValue="viewer" className="w-40">
            <RoleOptions withNone />
          </Select>
        </div>
        <div className="min-w-56 flex-1">
          <Label htmlFor="new-grants">Grants (optional), e.g. operator@*/billing-* viewer@*/reports</Label>
          <Input id="new-grants" name="grants" className="font-mono text-xs" autoComplete="off" aria-invalid={Object.keys(fieldErrors).some((k) => k.startsWith('grants'))} />
          <FieldError messages={Object.entries(fieldErrors).filter(([k]) => k.startsWith('grants')).map(([k, m]) => `${k}: ${m.join(', ')}`)} />
        </div>
        <div className="min-w-56 flex-1">
          <Label htmlFor="new-password">Password (empty: generate one)</Label>
          <Input id="new-password" name="password" type="password" autoComplete="new-password" aria-invalid={Boolean(fieldErrors.password)} />
          <FieldError messages={fieldErrors.password} />
        </div>
        <Button type="submit" variant="primary" disabled={pending}>
          Add user
        </Button>
      </form>

      <EditAccessDialog user={editing} onClose={() => setEditing(null)} lastAdmin={onlyAdmin && editing?.role === 'admin'} currentEmail={currentEmail} />

      <ConfirmFor
        target={resetting}
        onClose={() => setResetting(null)}
        title="Reset password"
        confirmLabel="Reset password"
        act={(email) =>
          run(() => updateUserAction({ params: { email }, body: { resetPassword: true } }), {
            success: () => `New password set for ${email}`,
            onDone: (res) => res.ok && res.data.password && setShownPassword({ email, password: res.data.password }),
          })
        }
      >
        <p>
          <strong>{resetting}</strong> gets a new random password, shown to you once to pass on. Their current password stops working and every session of theirs
          ends now.
        </p>
      </ConfirmFor>

      <ConfirmFor
        target={roleChange}
        onClose={() => setRoleChange(null)}
        title="Change role"
        confirmLabel={`Make ${roleChange?.role ?? ''}`}
        danger={roleChange?.email === currentEmail}
        act={({ email, role }) => run(() => updateUserAction({ params: { email }, body: { role } }), { success: (r) => `${email} is now ${r.user.role}` })}
      >
        {roleChange?.email === currentEmail ? (
          <p>
            You become <strong>{roleChange.role}</strong> and are signed out everywhere, this browser included. Sign in again to continue
            {roleChange.role === 'admin' ? '' : ' — without the admin pages'}.
          </p>
        ) : (
          <p>
            <strong>{roleChange?.email}</strong> becomes <strong>{roleChange?.role}</strong>
            {roleChange?.role === 'none' ? ' (only what their grants give: no queue otherwise)' : ''} on every queue their grants do not name. Every session of
            theirs ends now: they sign in again with the new role.
          </p>
        )}
      </ConfirmFor>

      <ConfirmFor
        target={removing}
        onClose={() => setRemoving(null)}
        title="Remove user"
        confirmLabel="Remove user"
        act={(email) => run(() => removeUserAction({ params: { email } }), { success: () => `Removed ${email}` })}
      >
        <p>
          <strong>{removing}</strong> will be signed out on their next request and can no longer sign in. Their past actions stay in the audit log.
        </p>
      </ConfirmFor>
    </div>
  );
}

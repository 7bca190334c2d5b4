'use client';
import { useState, type FormEvent } from 'react';
import { addUserAction, removeUserAction, updateUserAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { Table, TBody, THead, Td, Th, Tr } from '@/components/ui/table';
import { Badge } from '@/components/ui/badge';
import { ConfirmFor } from '@/components/ui/confirm-dialog';
import { RelativeTime } from '@/components/ui/relative-time';
import { useRunAction } from '@/components/ui/use-run-action';
import type { PublicUser } from '@/lib/auth/user-schema';
import { type Role } from '@/lib/auth/roles';
import { RoleOptions } from './role-options';

export function UsersAdmin({ users, currentEmail }: { users: PublicUser[]; currentEmail: string }) {
  const { run, pending } = useRunAction();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [shownPassword, setShownPassword] = useState<{ email: string; password: string } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const password = String(data.get('password') ?? '');
    run(() => addUserAction({ body: { email: String(data.get('email') ?? ''), role: String(data.get('role')) as Role, password: password || undefined } }), {
      success: (created) => `Added ${created.user.email} as ${created.user.role}`,
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
            <Th>Role</Th>
            <Th>Sign-in</Th>
            <Th>Created</Th>
            <Th className="text-right">Actions</Th>
          </tr>
        </THead>
        <TBody>
          {users.map((user) => (
            <Tr key={user.email}>
              <Td className="font-medium">
                {user.email} {user.email === currentEmail && <Badge>you</Badge>}
              </Td>
              <Td>
                <Select
                  aria-label={`Role of ${user.email}`}
                  value={user.role}
                  disabled={pending}
                  className="h-7 w-32 text-xs"
                  onChange={(e) => run(() => updateUserAction({ params: { email: user.email }, body: { role: e.target.value as Role } }), { success: (r) => `${user.email} is now ${r.user.role}` })}
                >
                  <RoleOptions />
                </Select>
              </Td>
              <Td>{user.source === 'oidc' ? 'single sign-on' : 'password'}</Td>
              <Td>
                <RelativeTime ms={user.createdAt} />
              </Td>
              <Td className="space-x-1 text-right">
                {user.source === 'local' && (
                  <Button
                    size="sm"
                    disabled={pending}
                    onClick={() =>
                      run(() => updateUserAction({ params: { email: user.email }, body: { resetPassword: true } }), {
                        success: () => `New password set for ${user.email}`,
                        onDone: (res) => res.ok && res.data.password && setShownPassword({ email: user.email, password: res.data.password }),
                      })
                    }
                  >
                    Reset password
                  </Button>
                )}
                <Button size="sm" variant="danger" disabled={pending || user.email === currentEmail} onClick={() => setRemoving(user.email)}>
                  Remove
                </Button>
              </Td>
            </Tr>
          ))}
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
          <Select id="new-role" name="role" defaultValue="viewer" className="w-32">
            <RoleOptions />
          </Select>
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

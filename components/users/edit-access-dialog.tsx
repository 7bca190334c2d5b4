'use client';
// Edit a user's global role and grants: the rows first, then a review that says exactly what changes
// (role from → to, grants added and removed, whether sessions end) before anything is saved.
import { useState } from 'react';
import { updateUserAction } from '@/app/actions';
import { Dialog } from '@/components/ui/dialog';
import { Button } from '@/components/ui/button';
import { FieldError, Label, Select } from '@/components/ui/input';
import { useRunAction } from '@/components/ui/use-run-action';
import type { PublicUser } from '@/lib/auth/user-schema';
import type { AccessRole, Grant } from '@/lib/auth/scope';
import { GrantsEditor } from './grants-editor';
import { grantText } from './grant-list';
import { NONE_ROLE_HINT, RoleOptions } from './role-options';

type Draft = { role: AccessRole; grants: Grant[] };

function trimmed(grants: Grant[]): Grant[] {
  return grants.map((g) => ({ connection: g.connection.trim(), queue: g.queue.trim(), role: g.role }));
}

export function EditAccessDialog({ user, onClose, lastAdmin, currentEmail }: { user: PublicUser | null; onClose: () => void; lastAdmin: boolean; currentEmail: string }) {
  return <Dialog open={user !== null} onClose={onClose} title={`Access of ${user?.email ?? ''}`} className="w-[min(48rem,calc(100vw-2rem))]">{user && <Editor key={user.email} user={user} onClose={onClose} lastAdmin={lastAdmin} you={user.email === currentEmail} />}</Dialog>;
}

function Editor({ user, onClose, lastAdmin, you }: { user: PublicUser; onClose: () => void; lastAdmin: boolean; you: boolean }) {
  const { run, pending } = useRunAction();
  const [draft, setDraft] = useState<Draft>({ role: user.role, grants: user.grants ?? [] });
  const [reviewing, setReviewing] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const before = (user.grants ?? []).map(grantText);
  const after = trimmed(draft.grants).map(grantText);
  const added = after.filter((g) => !before.includes(g));
  const removed = before.filter((g) => !after.includes(g));
  const roleChanged = draft.role !== user.role;
  const grantsChanged = added.length > 0 || removed.length > 0 || before.join() !== after.join();
  const sso = user.source === 'oidc';

  function save() {
    const body = { ...(roleChanged ? { role: draft.role } : {}), ...(grantsChanged ? { grants: trimmed(draft.grants) } : {}) };
    run(() => updateUserAction({ params: { email: user.email }, body }), {
      success: (r) => `${r.user.email}: ${r.user.role}${r.user.grants?.length ? ` with ${r.user.grants.length} grant${r.user.grants.length === 1 ? '' : 's'}` : ''}`,
      onDone: (res) => {
        if (res.ok) return onClose();
        setFieldErrors(res.error.fieldErrors ?? {});
        setReviewing(false);
      },
    });
  }

  if (reviewing) {
    return (
      <div className="space-y-3 text-sm" data-testid="access-review">
        <p>Saving changes the access of <strong>{user.email}</strong>:</p>
        <ul className="list-disc space-y-1 pl-5">
          {roleChanged && (
            <li>
              Global role: <strong>{user.role}</strong> → <strong>{draft.role}</strong>
              {draft.role === 'none' ? ' (only what the grants give)' : ''}. Every session of theirs ends now{you ? ', this one included' : ''}.
            </li>
          )}
          {added.map((g) => (
            <li key={`+${g}`}>
              Grant added: <code className="font-mono">{g}</code>
            </li>
          ))}
          {removed.map((g) => (
            <li key={`-${g}`}>
              Grant removed: <code className="font-mono">{g}</code>
            </li>
          ))}
          {grantsChanged && added.length === 0 && removed.length === 0 && <li>The grants are reordered (an equally specific tie goes to the lesser role either way).</li>}
          {grantsChanged && <li>New grants apply from their next request; their sessions go on.</li>}
        </ul>
        {sso && <p className="text-amber-700 dark:text-amber-400">A single sign-on user: if the config file maps provider groups, their next sign-in replaces this.</p>}
        <div className="flex justify-end gap-2">
          <Button onClick={() => setReviewing(false)}>Back</Button>
          <Button variant="primary" autoFocus disabled={pending} onClick={save}>
            {pending ? 'Saving…' : 'Save access'}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (roleChanged || grantsChanged) setReviewing(true);
      }}
    >
      <div>
        <Label htmlFor="access-role">Global role (on every queue no grant names)</Label>
        <Select
          id="access-role"
          value={draft.role}
          className="w-48"
          disabled={lastAdmin}
          title={lastAdmin ? 'The only admin: make another user admin first' : undefined}
          onChange={(e) => setDraft({ ...draft, role: e.target.value as AccessRole })}
        >
          <RoleOptions withNone />
        </Select>
        <p className="mt-1 text-[11px] text-zinc-500">{NONE_ROLE_HINT}. Users, tokens and permissions need the global admin role; an admin grant covers its queues only.</p>
        <FieldError messages={fieldErrors.role} />
      </div>
      <GrantsEditor label={`grants of ${user.email}`} value={draft.grants} onChange={(grants) => setDraft({ ...draft, grants })} fieldErrors={fieldErrors} />
      <div className="flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={!roleChanged && !grantsChanged}>
          Review changes
        </Button>
      </div>
    </form>
  );
}

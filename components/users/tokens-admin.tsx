'use client';
import { useState, type FormEvent } from 'react';
import { createTokenAction, revokeTokenAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { Table, TBody, THead, Td, Th, Tr } from '@/components/ui/table';
import { ConfirmFor } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { RelativeTime } from '@/components/ui/relative-time';
import { useToast } from '@/components/ui/toast';
import { useRunAction } from '@/components/ui/use-run-action';
import type { ApiTokenListing, ApiTokenRecord } from '@/lib/auth/api-tokens';
import { useNow } from '@/components/ui/use-now';
import type { AccessRole as Role, Grant } from '@/lib/auth/scope';
import { RoleOptions } from './role-options';
import { GrantList } from './grant-list';
import { GrantsEditor } from './grants-editor';

/** The form's expiry choices, as the API's expiresIn ("" = never). */
const EXPIRY_CHOICES: Array<[string, string]> = [
  ['', 'Never'],
  ['1d', '1 day'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['90d', '90 days'],
  ['365d', '1 year'],
];

function Expiry({ at }: { at?: number }) {
  const now = useNow();
  if (at === undefined) return <span className="text-zinc-400">never</span>;
  const expired = now !== null && at <= now;
  return (
    <span className={expired ? 'font-medium text-red-700 dark:text-red-400' : undefined} data-testid="token-expiry">
      {expired ? 'expired ' : ''}
      <RelativeTime ms={at} kind="scheduled" />
    </span>
  );
}

export function TokensAdmin({ tokens }: { tokens: ApiTokenListing[] }) {
  const toast = useToast();
  const { run, pending } = useRunAction();
  const [created, setCreated] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [revoking, setRevoking] = useState<ApiTokenRecord | null>(null);
  const [grants, setGrants] = useState<Grant[]>([]);

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const [name, role, expiresIn] = [String(data.get('name') ?? ''), String(data.get('role')) as Role, String(data.get('expiresIn') ?? '')];
    const given = grants.map((g) => ({ connection: g.connection.trim(), queue: g.queue.trim(), role: g.role }));
    run(() => createTokenAction({ body: { name, role, expiresIn, ...(given.length ? { grants: given } : {}) } }), {
      success: (res) => `Token "${res.record.name}" created`,
      onDone: (res) => {
        // A name in use (409) is said under the name field too, where the fix is made.
        if (!res.ok) return setFieldErrors(res.error.code === 'conflict' ? { name: [res.error.message] } : (res.error.fieldErrors ?? {}));
        setFieldErrors({});
        form.reset();
        setGrants([]);
        setCreated(res.data.token);
      },
    });
  }

  return (
    <div className="space-y-4">
      {created && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
          <p className="mb-1 font-medium">Copy this token now: it is not stored and will not be shown again.</p>
          <code data-testid="created-token" className="block font-mono break-all select-all">{created}</code>
          <div className="mt-2 flex gap-2">
            <Button size="sm" onClick={() => navigator.clipboard?.writeText(created).then(() => toast.info('Copied'))}>
              Copy
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </div>
      )}
      {tokens.length === 0 ? (
        <EmptyState title="No API tokens">Create one below for CI jobs or scripts that call the JSON API.</EmptyState>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Global role</Th>
              <Th>Grants</Th>
              <Th>Starts with</Th>
              <Th>Created by</Th>
              <Th>Created</Th>
              <Th>Expires</Th>
              <Th>Last used</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </THead>
          <TBody>
            {tokens.map((t) => (
              <Tr key={t.id}>
                <Td className="font-medium">{t.name}</Td>
                <Td>{t.role}</Td>
                <Td>
                  <GrantList grants={t.grants} />
                </Td>
                <Td className="font-mono text-xs">{t.hint}…</Td>
                <Td>{t.createdBy}</Td>
                <Td>
                  <RelativeTime ms={t.createdAt} />
                </Td>
                <Td>
                  <Expiry at={t.expiresAt} />
                </Td>
                <Td data-testid="token-last-used">{t.lastUsedAt ? <RelativeTime ms={t.lastUsedAt} /> : <span className="text-zinc-400">never</span>}</Td>
                <Td className="text-right">
                  <Button size="sm" variant="danger" disabled={pending} onClick={() => setRevoking(t)}>
                    Revoke
                  </Button>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      <form onSubmit={onCreate} className="flex flex-wrap items-end gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800" aria-label="Create API token">
        <div className="min-w-56 flex-1">
          <Label htmlFor="token-name">Token name</Label>
          <Input id="token-name" name="name" placeholder="e.g. ci-deploy" required aria-invalid={Boolean(fieldErrors.name)} />
          <FieldError messages={fieldErrors.name} />
        </div>
        <div>
          <Label htmlFor="token-role">Role</Label>
          <Select id="token-role" name="role" defaultValue="viewer" className="w-40">
            <RoleOptions withNone />
          </Select>
        </div>
        <div>
          <Label htmlFor="token-expires">Expires</Label>
          <Select id="token-expires" name="expiresIn" defaultValue="90d" className="w-36" aria-invalid={Boolean(fieldErrors.expiresIn)}>
            {EXPIRY_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label === 'Never' ? 'Never' : `in ${label}`}
              </option>
            ))}
          </Select>
          <FieldError messages={fieldErrors.expiresIn} />
        </div>
        <Button type="submit" variant="primary" disabled={pending}>
          Create token
        </Button>
        <div className="basis-full">
          <GrantsEditor label="grants of the new token" value={grants} onChange={setGrants} fieldErrors={fieldErrors} />
          <p className="mt-1 text-[11px] text-zinc-500">
            {grants.length ? `The token gets the chosen global role and these ${grants.length} grant${grants.length === 1 ? '' : 's'}.` : 'No grants: the token has its role on every queue.'} With
            role none it has only what its grants give. A token cannot be changed later: revoke it and create another.
          </p>
        </div>
      </form>

      <ConfirmFor
        target={revoking}
        onClose={() => setRevoking(null)}
        title="Revoke API token"
        confirmLabel="Revoke token"
        act={(token) => run(() => revokeTokenAction({ params: { id: token.id } }), { success: () => `Revoked "${token.name}"` })}
      >
        <p>
          Requests using <strong>{revoking?.name}</strong> ({revoking?.role}) will get 401 from the next request on. This cannot be undone.
        </p>
      </ConfirmFor>
    </div>
  );
}

'use client';
// The permission matrix: rows are the operations by table, columns the roles; a cell exists only where
// the role holds the operation by the role rules. A checked cell withholds it from that role. Cells the
// config file withholds are locked; users, tokens and permissions stay with admin.
import { Fragment, useState } from 'react';
import { setPermissionsAction } from '@/app/actions';
import { ConfirmFor } from '@/components/ui/confirm-dialog';
import { useRunAction } from '@/components/ui/use-run-action';
import { ROLES, type Role } from '@/lib/auth/roles';
import type { Permissions } from '@/lib/permissions/schemas';

type Toggle = { role: Role; operation: string; withhold: boolean };

export function PermissionMatrix({ permissions }: { permissions: Permissions }) {
  const { run, pending } = useRunAction();
  const [toggle, setToggle] = useState<Toggle | null>(null);
  const tables = [...new Set(permissions.operations.map((o) => o.table))];
  const stored = permissions.withhold;
  const seconds = permissions.appliesWithinMs / 1000;

  function apply({ role, operation, withhold }: Toggle) {
    const next = { ...stored, [role]: withhold ? [...stored[role], operation] : stored[role].filter((n) => n !== operation) };
    run(() => setPermissionsAction({ body: { withhold: next } }), { success: () => `${operation} ${withhold ? 'withheld from' : 'given back to'} ${role}` });
  }

  return (
    <div className="space-y-2">
      <table className="w-full max-w-3xl text-xs" aria-label="Permission matrix">
        <thead className="text-left text-zinc-500">
          <tr>
            <th className="py-1 font-medium">Operation</th>
            {ROLES.map((r) => (
              <th key={r} className="w-24 py-1 text-center font-medium">
                {r}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {tables.map((table) => (
            <Fragment key={table}>
              <tr>
                <th colSpan={1 + ROLES.length} className="border-b border-zinc-200 pt-3 pb-1 text-left text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:border-zinc-800">
                  {table}
                </th>
              </tr>
              {permissions.operations
                .filter((o) => o.table === table)
                .map((o) => (
                  <tr key={o.name} className="hover:bg-zinc-50 dark:hover:bg-zinc-900">
                    <td className="py-0.5 pr-2" title={o.summary}>
                      <code className="font-mono">{o.name}</code>
                    </td>
                    {ROLES.map((role) => {
                      if (!o.roles.includes(role)) return <td key={role} className="text-center text-zinc-300 dark:text-zinc-700" aria-hidden>·</td>;
                      const locked = permissions.configured[role].includes(o.name);
                      const kept = role === 'admin' && o.keptForAdmin;
                      const withheld = locked || stored[role].includes(o.name);
                      const reason = locked ? 'withheld by the config file (change it there)' : kept ? 'stays with admin, so no change can lock every admin out' : withheld ? 'withheld: uncheck to give it back' : 'check to withhold';
                      return (
                        <td key={role} className="text-center">
                          <input
                            type="checkbox"
                            className="h-3.5 w-3.5 accent-red-600 disabled:opacity-40"
                            aria-label={`Withhold ${o.name} from ${role}`}
                            title={`${o.name} for ${role}: ${reason}`}
                            checked={withheld}
                            disabled={pending || locked || kept}
                            onChange={(e) => setToggle({ role, operation: o.name, withhold: e.target.checked })}
                          />
                          {locked && <span className="sr-only"> (locked by the config file)</span>}
                        </td>
                      );
                    })}
                  </tr>
                ))}
            </Fragment>
          ))}
        </tbody>
      </table>
      <ConfirmFor target={toggle} onClose={() => setToggle(null)} title={toggle?.withhold ? 'Withhold operation' : 'Give operation back'} confirmLabel={toggle?.withhold ? 'Withhold' : 'Give back'} danger={Boolean(toggle?.withhold)} act={apply}>
        {toggle?.withhold ? (
          <p>
            Callers holding the <strong>{toggle.role}</strong> role on a target get 403 for <code className="font-mono">{toggle.operation}</code> there, whatever the role rules allow. Higher roles keep it.
          </p>
        ) : (
          <p>
            <code className="font-mono">{toggle?.operation}</code> is given back to the <strong>{toggle?.role}</strong> role.
          </p>
        )}
        <p>Applies at once here and within {seconds} s on every other console replica. The change is audited.</p>
      </ConfirmFor>
    </div>
  );
}

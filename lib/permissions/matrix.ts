// The permission matrix's rules (README › Team scopes › Permissions): which operation a role may have
// withheld. A cell exists only where the role holds the operation by the role rules; the operations of
// the users, tokens and permissions tables are never withheld from admin (an admin could otherwise lock
// every admin out of the page that gives permissions back). Pure: the API, the UI, the config check.
import { OPERATION_TABLES } from '@/lib/operations';
import type { Operation } from '@/lib/operations/define';
import { ROLES, hasRole, type Role } from '@/lib/auth/roles';
import type { Withhold } from '@/lib/auth/permissions-schema';

/** Tables whose operations stay with admin whatever the matrix says. */
export const KEPT_FOR_ADMIN_TABLES: readonly string[] = ['users', 'permissions'];

/** One row of the matrix: an operation, its table, its role, and the roles that hold it (its cells). */
export type MatrixRow = { name: string; table: string; role: Role; summary: string; roles: Role[]; keptForAdmin: boolean };

export function matrixRows(): MatrixRow[] {
  return Object.entries(OPERATION_TABLES).flatMap(([table, ops]) =>
    (Object.values(ops) as Operation[]).map((op) => ({
      name: op.name,
      table,
      role: op.role,
      summary: op.summary,
      roles: ROLES.filter((r) => hasRole(r, op.role)),
      keptForAdmin: KEPT_FOR_ADMIN_TABLES.includes(table),
    })),
  );
}

/**
 * What is wrong with a matrix, one message per bad entry under its path ("operator[1]"): an unknown
 * operation, one the role does not hold anyway, or one kept for admin.
 */
export function withholdIssues(withhold: Withhold): Array<{ path: string; message: string }> {
  const rows = new Map(matrixRows().map((r) => [r.name, r]));
  const issues: Array<{ path: string; message: string }> = [];
  for (const role of ROLES) {
    (withhold[role] ?? []).forEach((name, i) => {
      const row = rows.get(name);
      const path = `${role}[${i}]`;
      if (!row) issues.push({ path, message: `"${name}" is not an operation (GET /api/v1/permissions lists them)` });
      else if (!row.roles.includes(role)) issues.push({ path, message: `${name} needs the ${row.role} role: ${role} does not hold it, so there is nothing to withhold` });
      else if (role === 'admin' && row.keptForAdmin) issues.push({ path, message: `${name} cannot be withheld from admin: the operations on users, tokens and permissions stay with admin, so no change can lock every admin out` });
    });
  }
  return issues;
}

/** The entries of a matrix, each once, in table order per role. */
export function normalizeWithhold(withhold: Withhold): Required<Withhold> {
  const order = new Map(matrixRows().map((r, i) => [r.name, i]));
  const sorted = (names: string[] = []) => [...new Set(names)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { viewer: sorted(withhold.viewer), operator: sorted(withhold.operator), admin: sorted(withhold.admin) };
}

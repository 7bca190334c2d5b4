// Replace the stored permission matrix (global admin), audited with what it withheld and gave back.
// This process applies it at once; every other replica within WITHHELD_CACHE_MS (2 s).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { permissionOperations as ops } from '@/lib/operations/permissions';
import { forgetWithheld } from '@/lib/auth/permissions';
import { permissionsStore } from '@/lib/store/console/permissions';
import { InvalidError } from '@/lib/errors';
import { ROLES } from '@/lib/auth/roles';
import { normalizeWithhold, withholdIssues } from './matrix';
import { getPermissions, withholdOf } from './get-permissions';
import type { Permissions, SetPermissionsInput } from './schemas';

export async function setPermissions(ctx: AuditContext, input: SetPermissionsInput): Promise<Permissions> {
  return audited(ctx, ops.setPermissions, { params: {}, writes: 'console' }, async () => {
    const issues = withholdIssues(input.withhold);
    if (issues.length) {
      const fieldErrors = Object.fromEntries(issues.map((i) => [`withhold.${i.path}`, [i.message]]));
      throw new InvalidError(`Invalid body: ${issues.slice(0, 5).map((i) => `withhold.${i.path}: ${i.message}`).join('; ')}`, fieldErrors);
    }
    const next = normalizeWithhold(input.withhold);
    const before = normalizeWithhold(withholdOf(await permissionsStore().read()));
    await permissionsStore().replace(ROLES.flatMap((role) => next[role].map((operation) => ({ role, operation }))));
    forgetWithheld();
    // The change, role by role ("operator": ["job.retry"]): never more than the operation table.
    const withheld = Object.fromEntries(ROLES.map((r) => [r, next[r].filter((n) => !before[r].includes(n))]).filter(([, l]) => l.length));
    const restored = Object.fromEntries(ROLES.map((r) => [r, before[r].filter((n) => !next[r].includes(n))]).filter(([, l]) => l.length));
    return { result: await getPermissions(), details: { withheld, restored } };
  });
}

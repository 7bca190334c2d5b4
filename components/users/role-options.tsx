import { ACCESS_ROLES } from '@/lib/auth/scope';
import { ROLES } from '@/lib/auth/roles';

/** What "none" means wherever a role is chosen. */
export const NONE_ROLE_HINT = 'none: only what the grants give (no queue otherwise)';

/** The roles as <option>s of a select; `withNone` adds "none" (a global role or a grant may be none). */
export function RoleOptions({ withNone = false }: { withNone?: boolean }) {
  return (withNone ? ACCESS_ROLES : ROLES).map((r) => (
    <option key={r} value={r}>
      {r === 'none' ? 'none (grants only)' : r}
    </option>
  ));
}

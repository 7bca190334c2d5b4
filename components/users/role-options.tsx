import { ROLES } from '@/lib/auth/roles';

/** The roles as <option>s of a select. */
export function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {r}
    </option>
  ));
}

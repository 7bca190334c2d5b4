// Operations withheld from a role (README › Team scopes › Permissions): the config file's
// `permissions.withhold`. An operation withheld from a role answers 403 to a caller holding that role
// on the operation's target, whatever the role rules allow.
import type { Role } from './roles';
import type { Withhold } from './permissions-schema';

let configured: Withhold | null = null;

async function fromConfig(): Promise<Withhold> {
  if (configured) return configured;
  const { getConfig } = await import('@/lib/config/get-config');
  configured = getConfig().permissions?.withhold ?? {};
  return configured;
}

/** True when `operation` is withheld from callers holding `role` on its target. */
export async function withheldFrom(operation: string, role: Role): Promise<boolean> {
  const withhold = await fromConfig();
  return withhold[role]?.includes(operation) ?? false;
}

// Operations withheld from a role (README › Team scopes › Permissions): the config file's
// `permissions.withhold` joined with the matrix an admin stores on the Users & tokens page
// (lib/store/console/permissions.ts). An operation withheld from a role answers 403 to a caller holding
// that role on the operation's target, whatever the role rules allow. Each process reads the stored
// matrix at most every WITHHELD_CACHE_MS, so a change applies on every replica within that time.
import 'server-only';
import type { Role } from './roles';
import type { Withhold } from './permissions-schema';
import type { DroverConfig } from '@/lib/config/schema';
import type { PermissionsStore } from '@/lib/store/console/permissions';

/** How long a process keeps the stored matrix before reading it again. */
export const WITHHELD_CACHE_MS = 2_000;

type Sets = Record<Role, Set<string>>;

let configured: { config: DroverConfig; withhold: Withhold } | null = null;
let cached: { store: PermissionsStore; config: DroverConfig; at: number; sets: Promise<Sets> } | null = null;

/** The config file's entries, checked against the operation table on first use (preflight checks them at start too). */
export async function configuredWithhold(): Promise<Withhold> {
  const { getConfig } = await import('@/lib/config/get-config');
  const config = getConfig();
  if (configured?.config === config) return configured.withhold;
  const withhold = config.permissions?.withhold ?? {};
  const { assertConfiguredWithhold } = await import('@/lib/permissions/check-config');
  assertConfiguredWithhold(withhold, 'the configuration file');
  configured = { config, withhold };
  return withhold;
}

async function read(store: PermissionsStore): Promise<Sets> {
  const [fromConfig, stored] = await Promise.all([configuredWithhold(), store.read()]);
  const sets: Sets = { viewer: new Set(fromConfig.viewer), operator: new Set(fromConfig.operator), admin: new Set(fromConfig.admin) };
  for (const e of stored) sets[e.role].add(e.operation);
  return sets;
}

async function withheldSets(): Promise<Sets> {
  const [{ permissionsStore }, { getConfig }] = await Promise.all([import('@/lib/store/console/permissions'), import('@/lib/config/get-config')]);
  const store = permissionsStore();
  const config = getConfig();
  const now = Date.now();
  if (!cached || cached.store !== store || cached.config !== config || now - cached.at >= WITHHELD_CACHE_MS) {
    const sets = read(store);
    cached = { store, config, at: now, sets };
    // A failed read is not kept: the next call reads again.
    sets.catch(() => {
      if (cached?.sets === sets) cached = null;
    });
  }
  return cached.sets;
}

/** True when `operation` is withheld from callers holding `role` on its target. */
export async function withheldFrom(operation: string, role: Role): Promise<boolean> {
  return (await withheldSets())[role].has(operation);
}

/** This process reads the matrix again on its next check (after a change made here). */
export function forgetWithheld(): void {
  cached = null;
}

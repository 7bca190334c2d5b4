// The permission matrix (global admin): what is stored, what the config file withholds, and the operations.
import 'server-only';
import { configuredWithhold, WITHHELD_CACHE_MS } from '@/lib/auth/permissions';
import { permissionsStore, type WithheldEntry } from '@/lib/store/console/permissions';
import type { Withhold } from '@/lib/auth/permissions-schema';
import { matrixRows, normalizeWithhold } from './matrix';
import type { Permissions } from './schemas';

export function withholdOf(entries: WithheldEntry[]): Withhold {
  const out: Required<Withhold> = { viewer: [], operator: [], admin: [] };
  for (const e of entries) out[e.role].push(e.operation);
  return out;
}

export async function getPermissions(): Promise<Permissions> {
  const [stored, configured] = await Promise.all([permissionsStore().read(), configuredWithhold()]);
  return { withhold: normalizeWithhold(withholdOf(stored)), configured: normalizeWithhold(configured), operations: matrixRows(), appliesWithinMs: WITHHELD_CACHE_MS };
}

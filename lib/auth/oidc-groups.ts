// What an OIDC user holds from their provider groups (README › Team scopes › Single sign-on groups):
// the highest global role among their mapped groups (none of them giving one: `defaultRole`) and the
// union of their groups' grants. Pure: the sign-in callback applies it, tests call it directly.
import { MAX_GRANTS, type AccessRole, type Grant } from './scope';
import type { SsoConfig } from './sso-schema';

const ORDER: Record<AccessRole, number> = { none: 0, viewer: 1, operator: 2, admin: 3 };
/** Most group names read from one claim. */
const MAX_CLAIM_GROUPS = 1_000;

export type MappedAccess = { role: AccessRole; grants: Grant[]; groups: string[]; truncated: boolean };

/** The group names in a claim: an array of strings, or one string; anything else is no groups. */
export function groupsOfClaim(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').slice(0, MAX_CLAIM_GROUPS);
  return [];
}

export function accessFromGroups(sso: SsoConfig, claim: unknown): MappedAccess {
  const groups = [...new Set(groupsOfClaim(claim))].filter((g) => Object.hasOwn(sso.groups, g)).sort();
  let role: AccessRole | null = null;
  const grants: Grant[] = [];
  const seen = new Set<string>();
  for (const name of groups) {
    const mapping = sso.groups[name];
    if (mapping.role && (role === null || ORDER[mapping.role] > ORDER[role])) role = mapping.role;
    for (const g of mapping.grants ?? []) {
      const key = JSON.stringify([g.connection, g.queue, g.role]);
      if (seen.has(key)) continue;
      seen.add(key);
      grants.push(g);
    }
  }
  if (grants.length <= MAX_GRANTS) return { role: role ?? sso.defaultRole, grants, groups, truncated: false };
  // Too many: what is dropped must never widen access. Keep the lowest roles ("none" first) and lower the
  // global role to the lowest role dropped, so no queue gets more than the full set gives it.
  const sorted = [...grants].sort((a, b) => ORDER[a.role] - ORDER[b.role]);
  const floor = sorted[MAX_GRANTS].role;
  const global = role ?? sso.defaultRole;
  return { role: ORDER[global] > ORDER[floor] ? floor : global, grants: sorted.slice(0, MAX_GRANTS), groups, truncated: true };
}

// At every OIDC sign-in, the config file's `sso` mapping sets the user's global role and grants from
// the groups claim, replacing what the previous sign-in set (lib/auth/oidc-groups.ts); a change is
// audited. Without an `sso` key nothing is mapped: roles stay as admins set them.
import 'server-only';
import { getConfig } from '@/lib/config/get-config';
import { recordAudit } from '@/lib/audit/record-audit';
import { logger } from '@/lib/log';
import { grantsForAudit } from '@/lib/users/grants-for-audit';
import { accessFromGroups } from './oidc-groups';
import { setOidcAccess } from './users';
import type { UserRecord } from './user-schema';

/** The audit action of a sign-in that changed what an OIDC user holds. */
export const SSO_ACCESS_ACTION = 'user.sso-access';

/** Applies the group mapping to an OIDC user; returns their record as it is now. */
export async function applySsoGroups(record: UserRecord, profile: Record<string, unknown> | undefined): Promise<UserRecord> {
  const sso = getConfig().sso;
  if (!sso || record.source !== 'oidc') return record;
  const mapped = accessFromGroups(sso, profile?.[sso.groupsClaim]);
  if (mapped.truncated) logger.warn({ event: 'sso.grants_truncated', email: record.email, groups: mapped.groups }, 'the mapped groups give more grants than a user may hold: the first ones are kept');
  const changed = await setOidcAccess(record.email, { role: mapped.role, grants: mapped.grants });
  if (!changed) return record;
  await recordAudit({
    actor: record.email,
    role: changed.user.role,
    via: 'system',
    action: SSO_ACCESS_ACTION,
    outcome: 'ok',
    params: {
      email: record.email,
      groups: mapped.groups.join(', ') || 'none mapped',
      previousRole: changed.previous.role,
      role: changed.user.role,
      previousGrants: grantsForAudit(changed.previous.grants ?? []),
      grants: grantsForAudit(mapped.grants),
    },
  });
  return changed.user;
}

// Grants as an audit entry names them: the short form, comma-separated ("operator@*/billing-*,
// viewer@*/email"; "none" for no grants). The audit log clips a long value (lib/audit/record-audit.ts),
// so the first grants stay readable and the entry stays within its bound.
import type { Grant } from '@/lib/auth/scope';

export function grantsForAudit(grants: readonly Grant[]): string {
  return grants.length ? grants.map((g) => `${g.role}@${g.connection}/${g.queue}`).join(', ') : 'none';
}

import type { AuditTarget } from '@/lib/audit/audited';

type AuditMeta = AuditTarget & { action: string };

/** Best-effort connection/queue/job ids of a request that was refused before its input was validated. */
export function auditTargetOf(action: string, ...sources: unknown[]): AuditMeta {
  const meta: AuditMeta = { action };
  const expanded = sources.flatMap((s) => (s && typeof s === 'object' && 'target' in s ? [(s as { target: unknown }).target, s] : [s]));
  for (const source of expanded) {
    if (!source || typeof source !== 'object') continue;
    const s = source as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
    meta.connection ??= str(s.conn) ?? str(s.connection);
    meta.queue ??= str(s.queue);
    const id = str(s.id) ?? str(s.jobId);
    if (id) meta.jobIds ??= [id];
    if (Array.isArray(s.ids)) meta.jobIds ??= s.ids.filter((x): x is string => typeof x === 'string').slice(0, 100);
  }
  return meta;
}

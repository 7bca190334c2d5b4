import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';
import { AuditView } from '@/components/audit/audit-view';

export const metadata: Metadata = { title: 'Audit log' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: Props) {
  await requirePageRole('admin', '/audit');
  const sp = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  const parsed = auditQuerySchema.safeParse({
    user: first(sp.user),
    action: first(sp.action),
    queue: first(sp.queue),
    outcome: first(sp.outcome),
    from: first(sp.from),
    to: first(sp.to),
    cursor: first(sp.cursor),
  });
  const query = parsed.success ? parsed.data : auditQuerySchema.parse({});
  const page = await listAudit(query);
  return <AuditView page={page} query={query} />;
}

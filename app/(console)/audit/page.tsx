import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { auditQuerySchema } from '@/lib/audit/list-audit';
import { readOperation } from '@/lib/http/load-page-data';
import { consoleOperations } from '@/lib/operations/console';
import { AuditView } from '@/components/audit/audit-view';

export const metadata: Metadata = { title: 'Audit log' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: Props) {
  // An admin of some queues only (team scopes) reads the entries of those queues.
  const principal = await requirePageRole('admin', '/audit');
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
  const page = await readOperation(principal, consoleOperations.audit, { query });
  return <AuditView page={page} query={query} />;
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageRole } from '@/lib/auth/guard';
import { hasRole } from '@/lib/auth/roles';
import { connectionNameSchema } from '@/lib/config/schema';
import { getConnection, listConnections } from '@/lib/redis/connections';
import { loadPageData, readOperation } from '@/lib/http/load-page-data';
import { listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';
import { deadLetterOperations } from '@/lib/operations/dead-letters';
import { listErrorGroups } from '@/lib/dlq/list-error-groups';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { PageError } from '@/components/explorer/page-error';
import { DeadLettersView } from '@/components/dlq/dead-letters-view';

export const metadata: Metadata = { title: 'Dead letters' };

type Props = { params: Promise<{ conn: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function DeadLettersPage({ params, searchParams }: Props) {
  const raw = await params;
  const parsed = connectionNameSchema.safeParse(decodeURIComponent(raw.conn));
  if (!parsed.success) notFound();
  const conn = parsed.data;
  const principal = await requirePageRole('viewer', `/dlq/${raw.conn}`);
  const sp = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const fields = ['queue', 'group', 'name', 'q', 'from', 'to', 'olderThanMs', 'page', 'size'] as const;
  const query = listDeadLettersQuerySchema.safeParse(Object.fromEntries(fields.map((f) => [f, first(sp[f])])));
  const q = query.success ? query.data : listDeadLettersQuerySchema.parse({});
  const result = await loadPageData(async () => {
    const connection = getConnection(conn);
    return Promise.all([getDeadLetterSummary(connection), listErrorGroups(connection, { limit: 50 }), readOperation(principal, deadLetterOperations.list, { params: { conn }, query: q })]);
  }, conn);
  if (!result.ok) return <PageError error={result.error} />;
  const [summary, groups, page] = result.data;
  return (
    <DeadLettersView
      key={conn}
      conn={conn}
      connections={listConnections().map((c) => c.name)}
      query={q}
      initialPage={page}
      initialGroups={groups}
      initialSummary={summary}
      canRequeue={hasRole(principal.role, 'operator') && !summary.readOnly}
      canPurge={hasRole(principal.role, 'admin') && !summary.readOnly}
    />
  );
}

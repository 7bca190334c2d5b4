import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageRole } from '@/lib/auth/guard';
import { hasRole } from '@/lib/auth/roles';
import { connectionNameSchema } from '@/lib/config/schema';
import { getConnection, listConnections } from '@/lib/redis/connections';
import { loadPageData, readOperation } from '@/lib/http/load-page-data';
import { listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';
import { deadLetterOperations } from '@/lib/operations/dead-letters';
import { accessOf } from '@/lib/auth/principal';
import { highestRoleOn, mayReachConnection } from '@/lib/auth/scope';
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
    getConnection(conn);
    // Through the operations, as GET …/dlq/* answers them: a scoped caller gets its origin queues only.
    return Promise.all([
      readOperation(principal, deadLetterOperations.summary, { params: { conn } }),
      readOperation(principal, deadLetterOperations.errorGroups, { params: { conn }, query: { limit: 50 } }),
      readOperation(principal, deadLetterOperations.list, { params: { conn }, query: q }),
    ]);
  }, conn);
  if (!result.ok) return <PageError error={result.error} />;
  const [summary, groups, page] = result.data;
  // The buttons follow the highest role held on some queue of this connection; the server then acts only
  // on dead letters whose origin queue grants that role (README › Team scopes).
  const role = highestRoleOn(accessOf(principal), conn);
  return (
    <DeadLettersView
      key={conn}
      conn={conn}
      connections={listConnections().filter((c) => mayReachConnection(accessOf(principal), c.name)).map((c) => c.name)}
      query={q}
      initialPage={page}
      initialGroups={groups}
      initialSummary={summary}
      canRequeue={!!role && hasRole(role, 'operator') && !summary.readOnly}
      canPurge={!!role && hasRole(role, 'admin') && !summary.readOnly}
    />
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageRole } from '@/lib/auth/guard';
import { queueParamsSchema } from '@/lib/queues/params';
import { getConnection } from '@/lib/redis/connections';
import { getQueue } from '@/lib/queues/get-queue';
import { listJobsQuerySchema } from '@/lib/jobs/schemas';
import { jobOperations } from '@/lib/operations/jobs';
import { queueOperations } from '@/lib/operations/queues';
import { scopeOf } from '@/lib/operations/define';
import { authorize } from '@/lib/auth/authorize';
import { loadPageData, readOperation } from '@/lib/http/load-page-data';
import { PageError } from '@/components/explorer/page-error';
import { QueueView } from '@/components/explorer/queue-view';
import { hasRole } from '@/lib/auth/roles';
import { findKindByQueue, jsonSchemaSummary } from '@/lib/job-kinds/registry';

type Props = { params: Promise<{ conn: string; queue: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { queue } = await params;
  return { title: decodeURIComponent(queue) };
}

export default async function QueuePage({ params, searchParams }: Props) {
  const raw = await params;
  const parsed = queueParamsSchema.safeParse({ conn: decodeURIComponent(raw.conn), queue: decodeURIComponent(raw.queue) });
  if (!parsed.success) notFound();
  const { conn, queue } = parsed.data;
  const principal = await requirePageRole('viewer', `/connections/${raw.conn}/queues/${raw.queue}`);
  const sp = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const query = listJobsQuerySchema.safeParse({ state: first(sp.state), page: first(sp.page), size: first(sp.size), order: first(sp.order), name: first(sp.name), cursor: first(sp.cursor) });
  const q = query.success ? query.data : listJobsQuerySchema.parse({});
  const result = await loadPageData(async () => {
    // As GET …/queues/{queue} checks it: outside the user's scope the queue does not exist (404), and
    // what they may do here follows their role on this queue (README › Team scopes).
    const op = queueOperations.getQueue;
    const actor = await authorize(principal, { name: op.name, role: op.role, scope: scopeOf(op) }, { conn, queue });
    const connection = getConnection(conn);
    // As GET …/jobs runs it: a name-filtered list takes one of the principal's search slots.
    const list = readOperation(principal, jobOperations.listJobs, { params: { conn, queue }, query: q });
    return [...(await Promise.all([getQueue(connection, queue), list])), connection.config.deadLetterQueue === queue, actor.role] as const;
  }, conn);
  if (!result.ok) return <PageError error={result.error} />;
  const [detail, page, isDeadLetterQueue, role] = result.data;
  const kind = findKindByQueue(queue);
  return (
    <QueueView
      key={`${conn}/${queue}`}
      conn={conn}
      queue={queue}
      initialDetail={detail}
      initialPage={page}
      query={q}
      role={role}
      // The dead-letter queue is managed on its own page (requeue/purge keep its indexes right).
      canAct={hasRole(role, 'operator') && !detail.readOnly && !isDeadLetterQueue}
      isDeadLetterQueue={isDeadLetterQueue}
      userKey={principal.id}
      schema={kind ? jsonSchemaSummary(kind) : null}
    />
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageRole } from '@/lib/auth/guard';
import { hasRole } from '@/lib/auth/roles';
import { accessOf } from '@/lib/auth/principal';
import { roleAt } from '@/lib/auth/scope';
import { authorize } from '@/lib/auth/authorize';
import { deadLetterOperations } from '@/lib/operations/dead-letters';
import { scopeOf } from '@/lib/operations/define';
import { getConnection } from '@/lib/redis/connections';
import { loadPageData } from '@/lib/http/load-page-data';
import { deadLetterParamsSchema } from '@/lib/dlq/params';
import { getDeadLetter } from '@/lib/dlq/get-dead-letter';
import { PageError } from '@/components/explorer/page-error';
import { DeadLetterDetailView } from '@/components/dlq/dead-letter-detail';
import { dlqHref } from '@/components/dlq/format';

/** Envelopes up to this size bring the original job's data with the page. */
const INLINE_DATA_BYTES = 256 * 1024;

type Props = { params: Promise<{ conn: string; id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Dead letter ${decodeURIComponent(id)}` };
}

export default async function DeadLetterPage({ params }: Props) {
  const raw = await params;
  const parsed = deadLetterParamsSchema.safeParse({ conn: decodeURIComponent(raw.conn), id: decodeURIComponent(raw.id) });
  if (!parsed.success) notFound();
  const { conn, id } = parsed.data;
  const principal = await requirePageRole('viewer', `/dlq/${raw.conn}/${raw.id}`);
  const result = await loadPageData(async () => {
    const connection = getConnection(conn);
    const op = deadLetterOperations.get;
    // dlq.get's checks (a connection outside the caller's scope: 404); then the dead letter, which is
    // "not found" when its origin queue is outside the scope.
    await authorize(principal, { name: op.name, role: op.role, scope: scopeOf(op) }, { conn, id });
    // The original job's data comes with the page when it is small; larger data is loaded on request.
    return [await getDeadLetter(connection, id, { inlineDataUpTo: INLINE_DATA_BYTES, access: accessOf(principal) }), connection.readOnly] as const;
  }, conn);
  if (!result.ok) return <PageError error={result.error} backHref={dlqHref(conn)} backLabel="Back to the dead letters" />;
  const [deadLetter, readOnly] = result.data;
  // The role held on this dead letter's origin queue decides its buttons (the server checks it again).
  const role = roleAt(accessOf(principal), conn, deadLetter.queue);
  return (
    <DeadLetterDetailView
      key={`${conn}/${id}`}
      conn={conn}
      deadLetter={deadLetter}
      canRequeue={!!role && hasRole(role, 'operator') && !readOnly}
      canPurge={!!role && hasRole(role, 'admin') && !readOnly}
    />
  );
}

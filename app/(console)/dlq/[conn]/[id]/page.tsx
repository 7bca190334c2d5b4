import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageRole } from '@/lib/auth/guard';
import { hasRole } from '@/lib/auth/roles';
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
    // The original job's data comes with the page when it is small; larger data is loaded on request.
    return [await getDeadLetter(connection, id, { inlineDataUpTo: INLINE_DATA_BYTES }), connection.readOnly] as const;
  }, conn);
  if (!result.ok) return <PageError error={result.error} backHref={dlqHref(conn)} backLabel="Back to the dead letters" />;
  const [deadLetter, readOnly] = result.data;
  return (
    <DeadLetterDetailView
      key={`${conn}/${id}`}
      conn={conn}
      deadLetter={deadLetter}
      canRequeue={hasRole(principal.role, 'operator') && !readOnly}
      canPurge={hasRole(principal.role, 'admin') && !readOnly}
    />
  );
}

// A saved view's stable URL: opens its queue with its query (/connections/…/queues/…?q=…&in=…&view=…).
// Someone else's private view, or a deleted one, is "not found"; a store that is down says so.
import { notFound, redirect } from 'next/navigation';
import { requirePageRole } from '@/lib/auth/guard';
import { loadPageData, readOperation } from '@/lib/http/load-page-data';
import { viewOperations } from '@/lib/operations/views';
import { viewIdSchema, viewTarget } from '@/lib/views/view';
import { PageError } from '@/components/explorer/page-error';

type Props = { params: Promise<{ id: string }> };

export default async function ViewPage({ params }: Props) {
  const raw = await params;
  const principal = await requirePageRole('viewer', `/views/${raw.id}`);
  const parsed = viewIdSchema.safeParse({ id: decodeURIComponent(raw.id) });
  if (!parsed.success) notFound();
  const result = await loadPageData(() => readOperation(principal, viewOperations.getView, { params: parsed.data }));
  if (!result.ok) return <PageError error={result.error} />;
  redirect(viewTarget(result.data));
}

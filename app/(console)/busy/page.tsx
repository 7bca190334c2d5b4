import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { loadPageData } from '@/lib/http/load-page-data';
import { getBusy } from '@/lib/workers/get-busy';
import { PageError } from '@/components/explorer/page-error';
import { BusyView } from '@/components/workers/busy-view';

export const metadata: Metadata = { title: 'Busy' };

export default async function BusyPage() {
  await requirePageRole('viewer', '/busy');
  const result = await loadPageData(() => getBusy());
  if (!result.ok) return <PageError error={result.error} backHref="/" backLabel="Overview" />;
  return <BusyView initial={result.data} />;
}

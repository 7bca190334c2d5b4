import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { loadPageData, readOperation } from '@/lib/http/load-page-data';
import { workerOperations } from '@/lib/operations/workers';
import { PageError } from '@/components/explorer/page-error';
import { BusyView } from '@/components/workers/busy-view';
import type { Workers } from '@/lib/worker-control/workers-schemas';
import { hasRole } from '@/lib/auth/roles';

export const metadata: Metadata = { title: 'Busy' };

export default async function BusyPage() {
  const principal = await requirePageRole('viewer', '/busy');
  // As GET /api/v1/workers runs it (the Busy view plus gone processes): only the user's queues (README › Team scopes).
  const result = await loadPageData(async () => (await readOperation(principal, workerOperations.listWorkers, { query: {} })) as Workers);
  if (!result.ok) return <PageError error={result.error} backHref="/" backLabel="Overview" />;
  // Worker control buttons for operators; each action still checks the role on every queue it touches.
  return <BusyView initial={result.data} canControl={hasRole(principal.role, 'operator')} />;
}

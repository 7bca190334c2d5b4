import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { getOverview } from '@/lib/queues/get-overview';
import { OverviewView } from '@/components/explorer/overview-view';
import { hasRole } from '@/lib/auth/roles';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const principal = await requirePageRole('viewer', '/');
  const overview = await getOverview();
  return <OverviewView initial={overview} canAct={hasRole(principal.role, 'operator')} userKey={principal.id} />;
}

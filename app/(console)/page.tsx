import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { getOverview } from '@/lib/queues/get-overview';
import { OverviewView } from '@/components/explorer/overview-view';
import { hasRole } from '@/lib/auth/roles';
import { listConnections } from '@/lib/redis/connections';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { withTimeout } from '@/lib/time/with-timeout';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const principal = await requirePageRole('viewer', '/');
  // The dead-letter lines come with the page (what GET …/dlq/summary answers, role viewer): a
  // connection whose DLQ cannot be read now is asked for by the browser as before.
  const [overview, deadLetters] = await Promise.all([
    getOverview(),
    Promise.all(listConnections().map(async (conn) => [conn.name, await withTimeout(getDeadLetterSummary(conn), 500).catch(() => undefined)] as const)).then(Object.fromEntries),
  ]);
  return <OverviewView initial={overview} initialDeadLetters={deadLetters} canAct={hasRole(principal.role, 'operator')} userKey={principal.id} />;
}


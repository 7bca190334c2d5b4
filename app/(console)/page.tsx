import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { getOverview } from '@/lib/queues/get-overview';
import { OverviewView } from '@/components/explorer/overview-view';
import { hasRole } from '@/lib/auth/roles';
import { accessOf } from '@/lib/auth/principal';
import { queueFilterOf } from '@/lib/auth/queue-filter';
import { wholeConnectionRole } from '@/lib/auth/scope';
import { listConnections } from '@/lib/redis/connections';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { withTimeout } from '@/lib/time/with-timeout';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const principal = await requirePageRole('viewer', '/');
  // Only the connections and queues the user may see (README › Team scopes).
  const access = accessOf(principal);
  const filter = queueFilterOf(access);
  const connections = listConnections().filter((c) => filter.connection(c.name));
  // The dead-letter lines come with the page (what GET …/dlq/summary answers, role viewer): a
  // connection whose DLQ cannot be read now is asked for by the browser as before. For a user with
  // grants the browser asks for them: that operation keeps only their origin queues' dead letters.
  const [overview, deadLetters] = await Promise.all([
    getOverview({}, filter),
    Promise.all((filter.everything ? connections : []).map(async (conn) => [conn.name, await withTimeout(getDeadLetterSummary(conn), 500).catch(() => undefined)] as const)).then(Object.fromEntries),
  ]);
  // Pause all / Resume all act on every queue of a connection: operator on all of them.
  const canActOn = Object.fromEntries(connections.map((c) => {
    const role = wholeConnectionRole(access, c.name);
    return [c.name, role !== null && hasRole(role, 'operator')];
  }));
  return <OverviewView initial={overview} initialDeadLetters={deadLetters} canActOn={canActOn} userKey={principal.id} />;
}


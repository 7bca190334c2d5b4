import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { ForbiddenError } from '@/lib/errors';
import { requirePageRole } from '@/lib/auth/guard';
import { readOperation } from '@/lib/http/load-page-data';
import { queueOperations } from '@/lib/operations/queues';
import { withheldFrom } from '@/lib/auth/permissions';
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
  // Through queues.list, as GET /api/v1/queues (scope and the permission matrix apply alike).
  const summaryWithheld = await withheldFrom('dlq.summary', principal.role);
  const [overview, deadLetters] = await Promise.all([
    readOperation(principal, queueOperations.overview, { query: {} }).catch((err: unknown) => (err instanceof ForbiddenError ? forbidden() : Promise.reject(err))),
    Promise.all((filter.everything && !summaryWithheld ? connections : []).map(async (conn) => [conn.name, await withTimeout(getDeadLetterSummary(conn), 500).catch(() => undefined)] as const)).then(Object.fromEntries),
  ]);
  // Pause all / Resume all act on every queue of a connection: operator on all of them.
  const canActOn = Object.fromEntries(connections.map((c) => {
    const role = wholeConnectionRole(access, c.name);
    return [c.name, role !== null && hasRole(role, 'operator')];
  }));
  return <OverviewView initial={overview} initialDeadLetters={deadLetters} canActOn={canActOn} userKey={principal.id} />;
}


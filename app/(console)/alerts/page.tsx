import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { loadPageData, readOperation } from '@/lib/http/load-page-data';
import { alertOperations } from '@/lib/operations/alerts';
import { listConnections } from '@/lib/redis/connections';
import { accessOf } from '@/lib/auth/principal';
import { mayReachConnection } from '@/lib/auth/scope';
import { PageError } from '@/components/explorer/page-error';
import { AlertsAdmin } from '@/components/alerts/alerts-admin';
import { isGlobalAdmin } from '@/lib/alerts/channels/channel-commands';

export const metadata: Metadata = { title: 'Alerts' };

type Search = { [key: string]: string | string[] | undefined };
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v.slice(0, 500) : '');

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Search> }) {
  // An admin of some queues only (team scopes) manages the rules on those queues.
  const principal = await requirePageRole('admin', '/alerts');
  const access = accessOf(principal);
  // "Alert on this query" (a search or a saved view) opens a new query-matches rule, filled in.
  const sp = await searchParams;
  const prefill = one(sp.new) === 'query-matches' && one(sp.q) ? { name: one(sp.name) || `Query on ${one(sp.queue)}`, connection: one(sp.conn), queue: one(sp.queue), query: one(sp.q) } : null;
  // Through the operations, as GET /api/v1/alerts and /alerts/history: the permission matrix applies too.
  const result = await loadPageData(() =>
    Promise.all([
      readOperation(principal, alertOperations.listAlertRules, {}),
      readOperation(principal, alertOperations.alertHistory, { query: { limit: 100 } }),
      readOperation(principal, alertOperations.listAlertChannels, {}),
    ]),
  );
  if (!result.ok) return <PageError error={result.error} />;
  const [{ rules }, { history }, { channels }] = result.data;
  return (
    <AlertsAdmin
      initialRules={rules}
      initialHistory={history}
      channels={channels}
      manageChannels={isGlobalAdmin(access)}
      connections={listConnections().filter((c) => mayReachConnection(access, c.name)).map((c) => c.name)}
      prefill={prefill}
    />
  );
}

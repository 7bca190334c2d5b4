import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { loadPageData } from '@/lib/http/load-page-data';
import { listConnections } from '@/lib/redis/connections';
import { listAlertHistory, listAlertRules } from '@/lib/alerts/list-alerts';
import { PageError } from '@/components/explorer/page-error';
import { AlertsAdmin } from '@/components/alerts/alerts-admin';

export const metadata: Metadata = { title: 'Alerts' };

export default async function AlertsPage() {
  await requirePageRole('admin', '/alerts');
  const result = await loadPageData(() => Promise.all([listAlertRules(), listAlertHistory({ limit: 100 })]));
  if (!result.ok) return <PageError error={result.error} />;
  const [rules, history] = result.data;
  return <AlertsAdmin initialRules={rules} initialHistory={history} connections={listConnections().map((c) => c.name)} />;
}

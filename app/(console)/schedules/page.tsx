import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { hasRole } from '@/lib/auth/roles';
import { loadPageData, readOperation } from '@/lib/http/load-page-data';
import { scheduleOperations } from '@/lib/operations/schedules';
import { scheduleListQuerySchema } from '@/lib/schedules/schema';
import { timeZoneNames } from '@/lib/schedules/cron';
import { jobKinds, jsonSchemaSummary, type JobKindSchemaSummary } from '@/lib/job-kinds/registry';
import { PageError } from '@/components/explorer/page-error';
import { SchedulesView } from '@/components/schedules/schedules-view';

export const metadata: Metadata = { title: 'Schedules' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SchedulesPage({ searchParams }: Props) {
  const principal = await requirePageRole('viewer', '/schedules');
  const sp = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  const parsed = scheduleListQuerySchema.safeParse({ conn: first(sp.conn), queue: first(sp.queue) });
  const query = parsed.success ? parsed.data : {};
  // Only the caller's queues; each row says whether they may change it (README › Team scopes). Through the
  // operation, as GET /api/v1/schedulers: the same authorization, permission matrix included.
  const result = await loadPageData(() => readOperation(principal, scheduleOperations.listSchedules, { query }), query.queue?.split('/')[0] ?? query.conn);
  if (!result.ok) return <PageError error={result.error} backHref="/schedules" backLabel="All schedules" />;
  const schemas: Record<string, JobKindSchemaSummary> = Object.fromEntries(jobKinds.map((k) => [k.queue, jsonSchemaSummary(k.kind)]));
  return (
    <SchedulesView
      key={`${query.conn ?? ''}|${query.queue ?? ''}`}
      initial={result.data}
      query={query}
      // Operator somewhere (the role held anywhere): the New schedule button; the rows carry their own.
      canAct={hasRole(principal.role, 'operator')}
      timeZones={timeZoneNames()}
      schemas={schemas}
    />
  );
}

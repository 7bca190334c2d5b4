'use client';
import { Link } from '@/components/ui/link';
import { useMemo, useState } from 'react';
import { useTable } from '@tanstack/react-table';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import type { Schedule, ScheduleList } from '@/lib/schedules/types';
import type { ScheduleListQuery } from '@/lib/schedules/schema';
import type { JobKindSchemaSummary } from '@/lib/job-kinds/registry';
import { deleteScheduleAction, forgetScheduleAction, pauseScheduleAction, resumeScheduleAction, runScheduleNowAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Select } from '@/components/ui/input';
import { useUrlTextFilter } from '@/components/ui/url-query';
import { useRunAction } from '@/components/ui/use-run-action';
import { fetchJson } from '@/components/explorer/api-client';
import { formatExact, queueHref } from '@/components/explorer/format';
import { ScheduleDialog } from './schedule-dialog';
import { LegacyRepeatables } from './legacy-repeatables';
import { queryKeys } from '@/components/query-keys';
import { cn } from '@/components/ui/cn';
import { ColumnFitStyle, fitColumnsOf, type DenseColumnMeta } from '@/components/ui/dense-table';
import { SCHEDULE_COLUMNS, SCHEDULE_PINNING, scheduleFeatures, scheduleRowId, type SchedulesTableMeta } from './schedule-columns';

type Open = null | { kind: 'create' } | { kind: 'edit'; schedule: Schedule } | { kind: 'delete'; schedule: Schedule };

export function SchedulesView({
  initial,
  query,
  canAct,
  timeZones,
  schemas,
}: {
  initial: ScheduleList;
  query: ScheduleListQuery;
  canAct: boolean;
  timeZones: string[];
  schemas: Record<string, JobKindSchemaSummary>;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const { run, pending } = useRunAction();
  const [open, setOpen] = useState<Open>(null);
  const [ranJobs, setRanJobs] = useState<Record<string, string>>({});
  const qs = new URLSearchParams({ ...(query.conn ? { conn: query.conn } : {}), ...(query.queue ? { queue: query.queue } : {}) }).toString();
  const { data } = useQuery({
    queryKey: queryKeys.schedules(query.conn ?? '', query.queue ?? ''),
    queryFn: () => fetchJson<ScheduleList>(`/api/v1/schedulers${qs ? `?${qs}` : ''}`),
    initialData: initial,
    refetchInterval: 15_000,
  });

  // The text filter is read only here: it changes the URL in place, without rendering the page again.
  const filterInput = useUrlTextFilter('q');
  const filter = filterInput.value;
  // Connection and queue are read by the page: changing them renders it again.
  const setParams = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    router.replace(`${pathname}${next.toString() ? `?${next}` : ''}`, { scroll: false });
  };

  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    if (!needle) return data.schedules;
    return data.schedules.filter((s) => `${s.connection}/${s.queue}/${s.id} ${s.template.name} ${s.pattern ?? ''}`.toLowerCase().includes(needle));
  }, [data, filter]);

  const multiConn = data.connections.length > 1 || Boolean(query.queue || query.conn);
  const queueOptions = data.connections.flatMap((c) => c.queues.map((q) => `${c.name}/${q}`));
  const [filterConn, filterQueue] = query.queue ? [query.queue.split('/')[0], query.queue.split('/').slice(1).join('/')] : [query.conn, undefined];
  const writableConnections = data.connections.filter((c) => !c.readOnly);
  const t = (s: Schedule) => ({ conn: s.connection, queue: s.queue, schedulerId: s.id });

  const meta: SchedulesTableMeta = {
    multiConn,
    pending,
    ranJobs,
    edit: (s) => setOpen({ kind: 'edit', schedule: s }),
    pause: (s) => run(() => pauseScheduleAction({ params: t(s) })),
    resume: (s) => run(() => resumeScheduleAction({ params: t(s) })),
    runNow: (s) => run(() => runScheduleNowAction({ params: t(s) }), { onDone: (r) => r.ok && setRanJobs((m) => ({ ...m, [scheduleRowId(s)]: r.data.jobId })) }),
    remove: (s) => setOpen({ kind: 'delete', schedule: s }),
    forget: (s) => run(() => forgetScheduleAction({ params: t(s) })),
  };
  const columnVisibility = useMemo(() => ({ actions: canAct }), [canAct]);
  const table = useTable({
    features: scheduleFeatures,
    columns: SCHEDULE_COLUMNS,
    data: rows,
    getRowId: scheduleRowId,
    meta,
    state: { columnVisibility, columnPinning: SCHEDULE_PINNING },
  });
  const visibleColumns = table.getVisibleLeafColumns();

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Schedules</h1>
        <span className="text-xs text-zinc-500">
          {data.schedules.filter((s) => s.state === 'active').length} active, {data.schedules.filter((s) => s.state === 'paused').length} paused
          {data.schedules.some((s) => s.state === 'gone') ? `, ${data.schedules.filter((s) => s.state === 'gone').length} gone` : ''}
          {data.schedules.some((s) => s.health?.status === 'missed') ? `, ${data.schedules.filter((s) => s.health?.status === 'missed').length} missing runs` : ''}
          {data.legacy.length > 0 ? `, ${data.legacy.length} legacy` : ''}
        </span>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <Select aria-label="Connection" className="h-8 w-44" value={query.queue ? '' : (query.conn ?? '')} onChange={(e) => setParams({ conn: e.target.value || null, queue: null })}>
            <option value="">All connections</option>
            {data.connections.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </Select>
          <Select aria-label="Queue" className="h-8 w-56" value={query.queue ?? ''} onChange={(e) => setParams({ queue: e.target.value || null, conn: null })}>
            <option value="">All queues</option>
            {query.queue && !queueOptions.includes(query.queue) && <option value={query.queue}>{query.queue}</option>}
            {queueOptions.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </Select>
          <Input aria-label="Filter schedules" placeholder="Filter by id, job name…" className="h-8 w-56" value={filterInput.value} onChange={(e) => filterInput.onChange(e.target.value)} />
          {canAct && writableConnections.length > 0 && (
            <Button size="sm" variant="primary" onClick={() => setOpen({ kind: 'create' })}>
              New schedule
            </Button>
          )}
        </div>
      </div>

      {query.queue && (
        <p className="text-xs text-zinc-500">
          Schedules of queue{' '}
          <Link className="text-indigo-600 hover:underline" href={queueHref(filterConn!, filterQueue!)}>
            {query.queue}
          </Link>{' '}
          · <Link className="text-indigo-600 hover:underline" href="/schedules">all schedules</Link>
        </p>
      )}

      {data.connections
        .filter((c) => c.error)
        .map((c) => (
          <p key={c.name} role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
            {c.name}: {c.error}
          </p>
        ))}
      {data.truncated.map((tr) => (
        <p key={`${tr.connection}/${tr.queue}`} className="text-xs text-amber-700 dark:text-amber-400">
          {tr.connection}/{tr.queue} has {formatExact(tr.total)} schedulers; the {formatExact(tr.shown)} with the soonest runs are shown.
        </p>
      ))}

      {data.schedules.length === 0 ? (
        <EmptyState title="No schedules">
          Job schedulers (BullMQ <code>upsertJobScheduler</code>) of {query.queue ?? query.conn ?? 'every connection'} appear here, with the ones the bundled workers declare in code.
        </EmptyState>
      ) : (
        <div className="@container overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
          <ColumnFitStyle scope="schedules" columns={fitColumnsOf(visibleColumns)} />
          <table className="w-full border-collapse text-left text-sm" data-testid="schedules-table" data-fit="schedules">
            <thead className="bg-zinc-50 text-xs text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
              <tr>
                {table.getLeafHeaders().filter((h) => h.column.getIsVisible()).map((header) => {
                  const m = header.column.columnDef.meta as DenseColumnMeta<Schedule>;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      data-col={header.column.id}
                      title={m.title}
                      className={cn('px-3 py-2 font-medium', m.headerClassName, header.column.getIsPinned() === 'end' && 'sticky right-0 bg-zinc-50 dark:bg-zinc-900')}
                    >
                      {m.label}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {table.getRowModel().rows.map((row) => {
                const s = row.original;
                return (
                  <tr key={row.id} className="group align-top hover:bg-zinc-50 dark:hover:bg-zinc-900" data-testid="schedule-row" data-schedule={`${s.connection}/${s.queue}/${s.id}`} data-state={s.state}>
                    {row.getVisibleCells().map((cell) => {
                      const m = cell.column.columnDef.meta as DenseColumnMeta<Schedule>;
                      return (
                        <td
                          key={cell.id}
                          data-col={cell.column.id}
                          className={cn(
                            'px-3 py-1.5',
                            typeof m.cellClassName === 'function' ? m.cellClassName(s, cell.getValue()) : m.cellClassName,
                            cell.column.getIsPinned() === 'end' && 'sticky right-0 bg-zinc-50 group-hover:bg-zinc-50 dark:bg-zinc-950 dark:group-hover:bg-zinc-900',
                          )}
                        >
                          <table.FlexRender cell={cell} />
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={visibleColumns.length} className="px-3 py-6 text-center text-sm text-zinc-500">
                    No schedule matches “{filter}”.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}

      <LegacyRepeatables legacy={data.legacy} canAct={canAct} />

      {open?.kind === 'create' && (
        <ScheduleDialog
          mode="create"
          defaults={{ conn: filterConn, queue: filterQueue }}
          connections={data.connections}
          timeZones={timeZones}
          schemas={schemas}
          onClose={() => setOpen(null)}
        />
      )}
      {open?.kind === 'edit' && (
        <ScheduleDialog mode="edit" schedule={open.schedule} connections={data.connections} timeZones={timeZones} schemas={schemas} onClose={() => setOpen(null)} />
      )}
      <ConfirmDialog
        open={open?.kind === 'delete'}
        onClose={() => setOpen(null)}
        title={open?.kind === 'delete' ? `Delete schedule ${open.schedule.id}` : 'Delete schedule'}
        confirmLabel="Delete schedule"
        busy={pending}
        onConfirm={() => {
          if (open?.kind !== 'delete') return;
          const s = open.schedule;
          run(() => deleteScheduleAction({ params: t(s), query: { only: s.state === 'paused' ? 'paused' : 'live' } }), { onDone: () => setOpen(null) });
        }}
      >
        {open?.kind === 'delete' && (
          <>
            <p>
              {open.schedule.state === 'paused' ? 'Deletes the paused copy of' : 'Deletes'} schedule <strong className="font-mono">{open.schedule.id}</strong> of queue{' '}
              <strong>{open.schedule.queue}</strong>
              {open.schedule.state === 'active' ? ' and its pending next job' : ''}. Jobs it already produced stay. This cannot be undone.
            </p>
            {open.schedule.definedInCode && <p className="text-amber-700 dark:text-amber-400">It is defined in code: the next worker start creates it again.</p>}
          </>
        )}
      </ConfirmDialog>
    </div>
  );
}

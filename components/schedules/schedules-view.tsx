'use client';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import type { Schedule, ScheduleList } from '@/lib/schedules/types';
import type { ScheduleListQuery } from '@/lib/schedules/schema';
import type { JobKindSchemaSummary } from '@/lib/job-kinds/registry';
import { deleteScheduleAction, pauseScheduleAction, resumeScheduleAction, runScheduleNowAction } from '@/app/actions';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Select } from '@/components/ui/input';
import { useUrlTextFilter } from '@/components/ui/url-query';
import { formatInZoneWithOffset } from '@/lib/schedules/zone-format';
import { useRunAction } from '@/components/ui/use-run-action';
import { fetchJson } from '@/components/explorer/api-client';
import { formatExact, jobHref, queueHref } from '@/components/explorer/format';
import { ScheduleDialog } from './schedule-dialog';
import { ZonedTime } from './zoned-time';
import { LegacyRepeatables } from './legacy-repeatables';
import { queryKeys } from '@/components/query-keys';

type Open = null | { kind: 'create' } | { kind: 'edit'; schedule: Schedule } | { kind: 'delete'; schedule: Schedule };

const rowKey = (s: Schedule) => `${s.connection}/${s.queue}/${s.id}/${s.state}`;

function TemplateCell({ s }: { s: Schedule }) {
  const opts = s.template.opts && Object.keys(s.template.opts).length ? s.template.opts : null;
  return (
    <details className="max-w-[18rem] text-xs">
      <summary className="cursor-pointer truncate font-mono select-none" title="Show the job template">
        {s.template.name}
      </summary>
      <div className="mt-1 space-y-1">
        {s.dataOmitted ? (
          <p className="text-zinc-500">data: {formatExact(s.dataSize)} bytes (too large to list; open Edit to see it)</p>
        ) : (
          <pre className="max-h-48 overflow-auto rounded bg-zinc-50 p-1.5 font-mono whitespace-pre-wrap dark:bg-zinc-950" data-testid="template-data">
            {JSON.stringify(s.template.data ?? {}, null, 2)}
          </pre>
        )}
        {opts && <pre className="max-h-32 overflow-auto rounded bg-zinc-50 p-1.5 font-mono whitespace-pre-wrap text-zinc-600 dark:bg-zinc-950 dark:text-zinc-400">{JSON.stringify(opts, null, 2)}</pre>}
      </div>
    </details>
  );
}

function Outcomes({ s }: { s: Schedule }) {
  if (s.outcomes.length === 0) return <span className="text-xs text-zinc-400">none kept</span>;
  return (
    <ul className="flex gap-1" aria-label="Last jobs">
      {s.outcomes.map((o) => (
        <li key={o.jobId}>
          <Link
            href={jobHref(s.connection, s.queue, o.jobId)}
            title={`${o.jobId}: ${o.state} ${new Date(o.finishedOn).toLocaleString()}`}
            className={o.state === 'completed' ? 'text-emerald-600 hover:underline dark:text-emerald-400' : 'text-red-600 hover:underline dark:text-red-400'}
          >
            {o.state === 'completed' ? '✓' : '✗'}
            <span className="sr-only"> {o.state}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

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

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Schedules</h1>
        <span className="text-xs text-zinc-500">
          {data.schedules.filter((s) => s.state === 'active').length} active, {data.schedules.filter((s) => s.state === 'paused').length} paused
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
          <table className="w-full border-collapse text-left text-sm" data-testid="schedules-table">
            <thead className="bg-zinc-50 text-xs text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
              <tr>
                <th className="px-3 py-2 font-medium">Schedule</th>
                <th className="px-3 py-2 font-medium">When</th>
                <th className="px-3 py-2 font-medium">Next run</th>
                <th className="px-3 py-2 text-right font-medium" title="Jobs produced so far (with the pending one) / limit">
                  Runs
                </th>
                <th className="hidden px-3 py-2 font-medium @6xl:table-cell">Window</th>
                <th className="px-3 py-2 font-medium">Template</th>
                <th className="px-3 py-2 font-medium" title="Last completed / failed jobs it produced that are still kept">
                  Last jobs
                </th>
                {canAct && <th className="sticky right-0 bg-zinc-50 px-3 py-2 font-medium dark:bg-zinc-900">Actions</th>}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {rows.map((s) => {
                const key = rowKey(s);
                const actionable = canAct && !s.readOnly;
                return (
                  <tr key={key} className="group align-top hover:bg-zinc-50 dark:hover:bg-zinc-900" data-testid="schedule-row" data-schedule={`${s.connection}/${s.queue}/${s.id}`} data-state={s.state}>
                    <td className="min-w-[10rem] px-3 py-1.5">
                      <div className="flex flex-wrap items-center gap-1">
                        <span className="font-mono font-medium [overflow-wrap:anywhere]">{s.id}</span>
                        {s.state === 'paused' && (
                          <Badge tone="amber" title={s.pausedAt ? `Paused by ${s.pausedBy} at ${new Date(s.pausedAt).toLocaleString()}` : undefined}>
                            paused
                          </Badge>
                        )}
                        {s.definedInCode && (
                          <Badge tone="indigo" title="Declared by the bundled workers (workers/definitions.ts): their next start re-applies the code's definition">
                            defined in code
                          </Badge>
                        )}
                        {s.readOnly && <Badge>read-only</Badge>}
                      </div>
                      <Link href={queueHref(s.connection, s.queue)} className="text-xs text-indigo-700 hover:underline dark:text-indigo-400">
                        {multiConn ? `${s.connection}/` : ''}
                        {s.queue}
                      </Link>
                      {s.conflict && (
                        <p role="alert" className="mt-1 max-w-xs text-xs text-red-700 dark:text-red-400" data-testid="schedule-conflict">
                          {s.conflict}
                        </p>
                      )}
                    </td>
                    <td className="px-3 py-1.5">
                      <div className="font-mono text-[13px] whitespace-nowrap">{s.pattern ?? `every ${formatExact(s.every ?? 0)} ms`}</div>
                      <div className="min-w-[9rem] text-xs text-zinc-600 dark:text-zinc-400" data-testid="schedule-description">
                        {s.description}
                      </div>
                      {s.pattern && <div className="text-[11px] text-zinc-500">{s.tz ?? 'no time zone (worker’s local)'}</div>}
                    </td>
                    <td className="px-3 py-1.5">
                      {s.state === 'paused' ? <span className="text-xs text-zinc-500">paused</span> : <ZonedTime ms={s.next} tz={s.tz} testId="schedule-next" />}
                    </td>
                    <td className="px-3 py-1.5 text-right font-mono text-[13px] whitespace-nowrap tabular-nums">
                      {formatExact(s.iterationCount ?? 0)}
                      <span className="text-zinc-400"> / {s.limit ? formatExact(s.limit) : '∞'}</span>
                    </td>
                    <td className="hidden px-3 py-1.5 font-mono text-[11px] whitespace-nowrap text-zinc-600 @6xl:table-cell dark:text-zinc-400">
                      {s.startDate || s.endDate ? (
                        <>
                          <div title="start">{s.startDate ? formatInZoneWithOffset(s.startDate, s.tz ?? 'UTC') : '—'}</div>
                          <div title="end">{s.endDate ? `→ ${formatInZoneWithOffset(s.endDate, s.tz ?? 'UTC')}` : '→ no end'}</div>
                        </>
                      ) : (
                        <span className="text-zinc-400">always</span>
                      )}
                    </td>
                    <td className="px-3 py-1.5">
                      <TemplateCell s={s} />
                    </td>
                    <td className="px-3 py-1.5">
                      <Outcomes s={s} />
                      {ranJobs[key] && (
                        <Link href={jobHref(s.connection, s.queue, ranJobs[key])} className="mt-1 block text-xs text-indigo-700 hover:underline dark:text-indigo-400" data-testid="run-now-job">
                          ran now: job {ranJobs[key]}
                        </Link>
                      )}
                    </td>
                    {canAct && (
                      <td className="sticky right-0 bg-zinc-50 px-3 py-1.5 group-hover:bg-zinc-50 dark:bg-zinc-950 dark:group-hover:bg-zinc-900">
                        {actionable && (
                          <div className="flex max-w-[10.5rem] flex-wrap gap-1">
                            <Button size="sm" onClick={() => setOpen({ kind: 'edit', schedule: s })}>
                              Edit
                            </Button>
                            {s.state === 'active' ? (
                              <Button size="sm" disabled={pending} onClick={() => run(() => pauseScheduleAction({ params: t(s) }))}>
                                Pause
                              </Button>
                            ) : (
                              <Button size="sm" variant="primary" disabled={pending} onClick={() => run(() => resumeScheduleAction({ params: t(s) }))}>
                                Resume
                              </Button>
                            )}
                            <Button
                              size="sm"
                              disabled={pending}
                              onClick={() => run(() => runScheduleNowAction({ params: t(s) }), { onDone: (r) => r.ok && setRanJobs((m) => ({ ...m, [key]: r.data.jobId })) })}
                            >
                              Run now
                            </Button>
                            <Button size="sm" variant="danger" onClick={() => setOpen({ kind: 'delete', schedule: s })}>
                              Delete…
                            </Button>
                          </div>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={canAct ? 8 : 7} className="px-3 py-6 text-center text-sm text-zinc-500">
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

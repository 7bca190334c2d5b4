'use client';
// The schedules table's columns (TanStack Table): what each cell shows, how wide the column is and how
// soon it gets room in a narrow box. The actions stay pinned at the right edge, so Delete is never
// scrolled or clipped away.
import { Link } from '@/components/ui/link';
import { columnPinningFeature, columnVisibilityFeature, createColumnHelper, metaHelper, tableFeatures, type ColumnPinningState } from '@tanstack/react-table';
import type { Schedule } from '@/lib/schedules/types';
import { formatInZoneWithOffset } from '@/lib/schedules/zone-format';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import type { DenseColumnMeta } from '@/components/ui/dense-table';
import { formatExact, jobHref, queueHref } from '@/components/explorer/format';
import { ZonedTime } from './zoned-time';
import { HealthBadge, ScheduleRunHistory } from './schedule-health';

export type SchedulesTableMeta = {
  multiConn: boolean;
  pending: boolean;
  /** the job each "Run now" enqueued, by row id */
  ranJobs: Record<string, string>;
  edit: (s: Schedule) => void;
  pause: (s: Schedule) => void;
  resume: (s: Schedule) => void;
  runNow: (s: Schedule) => void;
  remove: (s: Schedule) => void;
  /** drop the watch record of a scheduler reported gone */
  forget: (s: Schedule) => void;
};

export const scheduleFeatures = tableFeatures({
  columnVisibilityFeature,
  columnPinningFeature,
  columnMeta: metaHelper<DenseColumnMeta<Schedule>>(),
  tableMeta: metaHelper<SchedulesTableMeta>(),
});

export const SCHEDULE_PINNING: ColumnPinningState = { start: [], end: ['actions'] };

export const scheduleRowId = (s: Schedule) => `${s.connection}/${s.queue}/${s.id}/${s.state}`;

const helper = createColumnHelper<typeof scheduleFeatures, Schedule>();

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

// In table order. Priorities say what matters as the box narrows (at 1440 px with the sidebar open it is
// ~71rem): which schedule, when, its next run and the actions always; then whether its last jobs
// failed, its start/end window, its run count, and last the job template (also shown by Edit).
export const SCHEDULE_COLUMNS = helper.columns([
  helper.display({
    id: 'schedule',
    cell: ({ row, table }) => {
      const s = row.original;
      return (
        <>
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
            <HealthBadge s={s} />
          </div>
          <Link href={queueHref(s.connection, s.queue)} className="text-xs text-indigo-700 hover:underline dark:text-indigo-400">
            {table.options.meta!.multiConn ? `${s.connection}/` : ''}
            {s.queue}
          </Link>
          {s.conflict && (
            <p role="alert" className="mt-1 max-w-xs text-xs text-red-700 dark:text-red-400" data-testid="schedule-conflict">
              {s.conflict}
            </p>
          )}
          <ScheduleRunHistory s={s} />
        </>
      );
    },
    meta: { label: 'Schedule', width: 11.5, priority: 0, cellClassName: 'min-w-[10rem]' },
  }),
  helper.display({
    id: 'when',
    cell: ({ row: { original: s } }) => (
      <>
        <div className="font-mono text-[13px] whitespace-nowrap">{s.pattern ?? `every ${formatExact(s.every ?? 0)} ms`}</div>
        <div className="min-w-[9rem] text-xs text-zinc-600 dark:text-zinc-400" data-testid="schedule-description">
          {s.description}
        </div>
        {s.pattern && <div className="text-[11px] text-zinc-500">{s.tz ?? 'no time zone (worker’s local)'}</div>}
      </>
    ),
    meta: { label: 'When', width: 11.5, priority: 0 },
  }),
  helper.display({
    id: 'next',
    cell: ({ row: { original: s } }) =>
      s.state !== 'active' ? <span className="text-xs text-zinc-500">{s.state}</span> : <ZonedTime ms={s.next} tz={s.tz} testId="schedule-next" />,
    meta: { label: 'Next run', width: 14, priority: 0 },
  }),
  helper.display({
    id: 'runs',
    cell: ({ row: { original: s } }) => (
      <>
        {formatExact(s.iterationCount ?? 0)}
        <span className="text-zinc-400"> / {s.limit ? formatExact(s.limit) : '∞'}</span>
      </>
    ),
    meta: {
      label: 'Runs',
      title: 'Jobs produced so far (with the pending one) / limit',
      width: 5.5,
      priority: 3,
      headerClassName: 'text-right',
      cellClassName: 'text-right font-mono text-[13px] whitespace-nowrap tabular-nums',
    },
  }),
  helper.display({
    id: 'window',
    cell: ({ row: { original: s } }) =>
      s.startDate || s.endDate ? (
        <>
          <div title="start">{s.startDate ? formatInZoneWithOffset(s.startDate, s.tz ?? 'UTC') : '—'}</div>
          <div title="end">{s.endDate ? `→ ${formatInZoneWithOffset(s.endDate, s.tz ?? 'UTC')}` : '→ no end'}</div>
        </>
      ) : (
        <span className="text-zinc-400">always</span>
      ),
    meta: { label: 'Window', width: 13.5, priority: 2, cellClassName: 'font-mono text-[11px] whitespace-nowrap text-zinc-600 dark:text-zinc-400' },
  }),
  helper.display({
    id: 'template',
    cell: ({ row: { original: s } }) => <TemplateCell s={s} />,
    meta: { label: 'Template', width: 8, priority: 4 },
  }),
  helper.display({
    id: 'last-jobs',
    cell: ({ row, table }) => {
      const s = row.original;
      const ran = table.options.meta!.ranJobs[row.id];
      return (
        <>
          <Outcomes s={s} />
          {ran && (
            <Link href={jobHref(s.connection, s.queue, ran)} className="mt-1 block text-xs text-indigo-700 hover:underline dark:text-indigo-400" data-testid="run-now-job">
              ran now: job {ran}
            </Link>
          )}
        </>
      );
    },
    meta: { label: 'Last jobs', title: 'Last completed / failed jobs it produced that are still kept', width: 6.5, priority: 1 },
  }),
  helper.display({
    id: 'actions',
    cell: ({ row, table }) => {
      const s = row.original;
      const meta = table.options.meta!;
      // canAct: the caller's role on this row's queue (README › Team scopes).
      if (s.readOnly || s.canAct === false) return null;
      if (s.state === 'gone') {
        return (
          <Button size="sm" disabled={meta.pending} onClick={() => meta.forget(s)} title="Stop reporting it: its watch record and run history are removed">
            Forget
          </Button>
        );
      }
      return (
        <div className="flex max-w-[10.5rem] flex-wrap gap-1">
          <Button size="sm" onClick={() => meta.edit(s)}>
            Edit
          </Button>
          {s.state === 'active' ? (
            <Button size="sm" disabled={meta.pending} onClick={() => meta.pause(s)}>
              Pause
            </Button>
          ) : (
            <Button size="sm" variant="primary" disabled={meta.pending} onClick={() => meta.resume(s)}>
              Resume
            </Button>
          )}
          <Button size="sm" disabled={meta.pending} onClick={() => meta.runNow(s)}>
            Run now
          </Button>
          <Button size="sm" variant="danger" onClick={() => meta.remove(s)}>
            Delete…
          </Button>
        </div>
      );
    },
    meta: { label: 'Actions', width: 10.5, priority: 0 },
  }),
]);

'use client';
// The jobs table's columns (TanStack Table): what each cell shows, how wide it may grow and how soon it
// gets room in a narrow box (./job-column-fit.ts). The checkbox and the id (with the row's toggle) stay
// pinned at the start. Job text is rendered as text. No sorting here: the server orders and pages the
// list (the Order select), so sorting one page in the browser would mislead.
import { Link } from '@/components/ui/link';
import { columnPinningFeature, columnVisibilityFeature, createColumnHelper, metaHelper, rowExpandingFeature, tableFeatures, type ColumnPinningState } from '@tanstack/react-table';
import { RelativeTime } from '@/components/ui/relative-time';
import { cn } from '@/components/ui/cn';
import type { DenseColumnMeta } from '@/components/ui/dense-table';
import { ProgressBar } from './progress-bar';
import { StateBadge } from './state-badge';
import { formatBytes, formatDuration, jobHref } from './format';
import { DATA_COLUMN_WIDTH, JOB_COLUMN_WIDTH, dataColumnId, dataColumnPriority, jobColumnPriority, type JobColumnId, type JobsView } from './job-column-fit';
import type { JobRow, Selection } from './jobs-table';

export type JobColumnMeta = DenseColumnMeta<JobRow> & {
  /** a data-testid for the cell */
  cellTestId?: (job: JobRow) => string;
};

export type JobsTableMeta = {
  conn: string;
  queue: string;
  /** owned by the caller (the bulk toolbar acts on it); absent: no checkboxes */
  selection?: Selection;
  /** the id of a row's detail row, for its toggle's aria-controls */
  detailId: (rowIndex: number) => string;
};

export const jobsFeatures = tableFeatures({
  columnVisibilityFeature,
  columnPinningFeature,
  rowExpandingFeature,
  columnMeta: metaHelper<JobColumnMeta>(),
  tableMeta: metaHelper<JobsTableMeta>(),
});

export const JOBS_PINNING: ColumnPinningState = { start: ['select', 'id'], end: [] };

/** The columns this user hid in job lists (a queue's tabs and its search results), remembered in this browser. */
export const jobColumnsKey = (userKey: string) => `drover.job-columns.${userKey}`;

const helper = createColumnHelper<typeof jobsFeatures, JobRow>();

// Each column's whole padding: the id cell's is narrower at the start, where the toggle sits.
const HEAD = 'px-3 py-2';
const CELL = 'px-3 py-1.5';

const fit = (id: JobColumnId, view: JobsView) => ({ width: JOB_COLUMN_WIDTH[id], priority: jobColumnPriority(id, view) });

function build(view: JobsView, selectable: boolean) {
  const columns = helper.columns([
    helper.display({
      id: 'select',
      enableHiding: false,
      header: ({ table }) => {
        const selection = table.options.meta!.selection!;
        const ids = table.getRowModel().rows.map((row) => row.id);
        return (
          <input
            type="checkbox"
            aria-label="Select all jobs on this page"
            checked={ids.length > 0 && ids.every((id) => selection.selected.has(id))}
            onChange={(e) => selection.setAll(ids, e.target.checked)}
          />
        );
      },
      cell: ({ row, table }) => {
        const selection = table.options.meta!.selection!;
        return <input type="checkbox" aria-label={`Select job ${row.original.id}`} checked={selection.selected.has(row.id)} onChange={() => selection.toggle(row.id)} />;
      },
      // A fixed width: the pinned id column sits right after it.
      meta: { label: 'Select', ...fit('select', view), headerClassName: 'w-10 min-w-10 max-w-10 px-3 py-2', cellClassName: 'w-10 min-w-10 max-w-10 px-3 py-1.5' },
    }),
    helper.accessor('id', {
      id: 'id',
      header: 'Id',
      enableHiding: false,
      cell: ({ row, table }) => {
        const job = row.original;
        const { conn, queue, detailId } = table.options.meta!;
        const open = row.getIsExpanded();
        return (
          <div className="max-w-28 truncate" title={job.id}>
            <button
              type="button"
              aria-expanded={open}
              aria-controls={open ? detailId(row.index) : undefined}
              aria-label={`Details of job ${job.id}`}
              onClick={() => row.toggleExpanded()}
              className="mr-1 inline-flex size-5 items-center justify-center rounded align-middle text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
            >
              <svg aria-hidden viewBox="0 0 12 12" className={cn('size-3 transition-transform', open && 'rotate-90')}>
                <path d="M4.5 2.5 8 6l-3.5 3.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
            </button>
            <Link href={jobHref(conn, queue, job.id)} className="text-indigo-700 hover:underline dark:text-indigo-400">
              {job.id}
            </Link>
          </div>
        );
      },
      meta: { label: 'Id', ...fit('id', view), headerClassName: 'py-2 pr-3 pl-7', cellClassName: 'py-1.5 pr-3 pl-1 font-mono text-xs' },
    }),
    helper.accessor('name', {
      id: 'name',
      header: 'Name',
      cell: ({ row: { original: job } }) => (
        <div className="max-w-42 truncate" title={job.name}>
          {job.name}
          {job.dataSize > 256 * 1024 && (
            <span className="ml-1 text-[11px] text-amber-600" title="Payload size">
              {formatBytes(job.dataSize)}
            </span>
          )}
        </div>
      ),
      meta: { label: 'Name', ...fit('name', view), headerClassName: HEAD, cellClassName: CELL },
    }),
    helper.display({
      id: 'state',
      header: 'State',
      cell: ({ row }) => <StateBadge state={row.original.state ?? ''} />,
      meta: { label: 'State', ...fit('state', view), headerClassName: HEAD, cellClassName: CELL },
    }),
    helper.accessor('timestamp', {
      id: 'created',
      header: 'Created',
      cell: ({ getValue }) => <RelativeTime ms={getValue()} />,
      meta: { label: 'Created', ...fit('created', view), headerClassName: HEAD, cellClassName: `${CELL} whitespace-nowrap` },
    }),
    helper.accessor('processedOn', {
      id: 'started',
      header: 'Started',
      cell: ({ getValue }) => <RelativeTime ms={getValue()} />,
      meta: { label: 'Started', ...fit('started', view), headerClassName: HEAD, cellClassName: `${CELL} whitespace-nowrap` },
    }),
    helper.accessor('finishedOn', {
      id: 'finished',
      header: 'Finished',
      cell: ({ getValue }) => <RelativeTime ms={getValue()} />,
      meta: { label: 'Finished', ...fit('finished', view), headerClassName: HEAD, cellClassName: `${CELL} whitespace-nowrap` },
    }),
    helper.display({
      id: 'duration',
      header: 'Duration',
      cell: ({ row: { original: job } }) => (job.processedOn && job.finishedOn ? formatDuration(job.finishedOn - job.processedOn) : '—'),
      meta: { label: 'Duration', ...fit('duration', view), headerClassName: `${HEAD} text-right`, cellClassName: `${CELL} text-right font-mono text-xs whitespace-nowrap tabular-nums` },
    }),
    helper.display({
      id: 'attempts',
      header: 'Attempts',
      cell: ({ row: { original: job } }) => `${job.attemptsMade}${job.maxAttempts ? `/${job.maxAttempts}` : ''}`,
      meta: { label: 'Attempts', ...fit('attempts', view), headerClassName: `${HEAD} text-right`, cellClassName: `${CELL} text-right font-mono text-xs tabular-nums` },
    }),
    helper.display({
      id: 'progress',
      header: 'Progress',
      cell: ({ row }) => <ProgressBar progress={row.original.progress} />,
      meta: { label: 'Progress', ...fit('progress', view), headerClassName: HEAD, cellClassName: CELL, cellTestId: (job) => `progress-${job.id}` },
    }),
    helper.display({
      id: 'failed-reason',
      header: 'Failed reason',
      cell: ({ row: { original: job } }) => (
        <div className="max-w-58 truncate" title={job.failedReason ?? undefined}>
          {job.failedReason}
        </div>
      ),
      meta: { label: 'Failed reason', ...fit('failed-reason', view), headerClassName: HEAD, cellClassName: `${CELL} text-xs text-red-700 dark:text-red-400` },
    }),
  ]);
  return columns.filter((column) => (column.id !== 'select' || selectable) && (column.id !== 'state' || view === 'search'));
}

/**
 * One column per data path (`data.customerId`): the value the server read at that path, as text, cut to one
 * line with the whole (as sent) on hover. Removed from the "Add column" control, not hidden from the menu.
 */
function dataColumns(view: JobsView, keys: readonly string[]) {
  return helper.columns(
    keys.map((key, index) =>
      helper.display({
        id: dataColumnId(index),
        header: key,
        enableHiding: false,
        cell: ({ row: { original: job } }) => {
          const value = job.columns?.[key] ?? null;
          return (
            <div className="max-w-40 truncate" title={value ?? undefined}>
              {value ?? <span className="text-zinc-400">—</span>}
            </div>
          );
        },
        meta: {
          label: key,
          title: `${key}: the value at this path of each job, as text`,
          width: DATA_COLUMN_WIDTH,
          priority: dataColumnPriority(index),
          headerClassName: `${HEAD} font-mono normal-case`,
          cellClassName: `${CELL} font-mono text-xs`,
          cellTestId: (job: JobRow) => `data-col-${index}-${job.id}`,
        },
      }),
    ),
  );
}

// Module constants per list and per "has checkboxes", so the table keeps its models between renders.
const built = new Map<string, ReturnType<typeof build>>();

const builtWithData = new Map<string, ReturnType<typeof build>>();

/**
 * The columns of a job list, in table order: the state only in search results, checkboxes only when rows
 * can be selected, then a column per data path asked for (`dataKeys`).
 */
export function jobColumns(view: JobsView, selectable: boolean, dataKeys: readonly string[] = []) {
  const key = `${view}/${selectable}`;
  let columns = built.get(key);
  if (!columns) {
    columns = build(view, selectable);
    built.set(key, columns);
  }
  if (dataKeys.length === 0) return columns;
  // Kept per set of paths too (a few at a time: the cache starts over past 20).
  const withKey = `${key}/${dataKeys.join(',')}`;
  let withData = builtWithData.get(withKey);
  if (!withData) {
    if (builtWithData.size >= 20) builtWithData.clear();
    withData = [...columns, ...dataColumns(view, dataKeys)] as ReturnType<typeof build>;
    builtWithData.set(withKey, withData);
  }
  return withData;
}

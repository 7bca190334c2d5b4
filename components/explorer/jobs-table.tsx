'use client';
import { Fragment, useId, useMemo, type ReactNode } from 'react';
import { functionalUpdate, useTable, type ExpandedState, type Updater } from '@tanstack/react-table';
import type { JobSummary } from '@/lib/jobs/job-summary';
import { cn } from '@/components/ui/cn';
import { ColumnFitStyle, fitColumnsOf } from '@/components/ui/dense-table';
import { useKeyedSelection } from '@/components/ui/use-keyed-selection';
import { useStoredColumnVisibility } from '@/components/ui/use-stored-column-visibility';
import { JobRowDetail } from './job-row-detail';
import { JOBS_PINNING, jobColumns, jobColumnsKey, jobsFeatures, type JobColumnMeta, type JobsTableMeta } from './jobs-columns';
import type { JobsView } from './job-column-fit';

/** `columns`: the data columns' values by path (search results with `cols=`). */
export type JobRow = JobSummary & { state?: string; columns?: Record<string, string | null> };

export type Selection = {
  selected: ReadonlySet<string>;
  toggle: (id: string) => void;
  setAll: (ids: string[], on: boolean) => void;
};

// A row's cells carry its background (not the row), opaque, so the pinned cells hide what scrolls under them.
const ROW_TONE = {
  plain: 'bg-white group-hover:bg-zinc-50 dark:bg-zinc-950 dark:group-hover:bg-zinc-900',
  open: 'bg-zinc-50 dark:bg-zinc-900',
  selected: 'bg-indigo-50 group-hover:bg-zinc-50 dark:bg-indigo-950 dark:group-hover:bg-zinc-900',
};

const NO_DATA_COLUMNS: readonly string[] = [];

/**
 * Dense job table on TanStack Table: summary fields only; job-derived text is rendered as text, never
 * HTML. Columns fit the box by priority (./job-column-fit.ts) and the ones this user hid (the Columns
 * menu, ./job-columns-menu.tsx) stay hidden. A row's toggle expands it: a detail row under it (error,
 * data preview, timeline) fetched on demand; open rows are kept by job id, so they stay open across live
 * refreshes of the list, until `viewKey` (the list's query) changes. The order is the server's.
 */
export function JobsTable({
  conn,
  queue,
  jobs,
  view,
  userKey,
  selection,
  empty,
  viewKey = '',
  dataColumns = NO_DATA_COLUMNS,
}: {
  conn: string;
  queue: string;
  jobs: JobRow[];
  /** the state tab shown, or "search" (results in any state: a State column) */
  view: JobsView;
  /** who is signed in: the hidden columns are remembered under it */
  userKey: string;
  selection?: Selection;
  empty?: ReactNode;
  viewKey?: string;
  /** JSON paths shown as columns after the list's own (`data.customerId`): each row's `columns` holds their values */
  dataColumns?: readonly string[];
}) {
  const open = useKeyedSelection(viewKey);
  const expanded = useMemo<Record<string, boolean>>(() => Object.fromEntries([...open.selected].map((id) => [id, true])), [open.selected]);
  const onExpandedChange = (updater: Updater<ExpandedState>) => {
    const next = functionalUpdate(updater, expanded);
    open.replace(next === true ? jobs.map((job) => job.id) : Object.keys(next).filter((id) => next[id]));
  };
  const { columnVisibility, onColumnVisibilityChange } = useStoredColumnVisibility(jobColumnsKey(userKey));
  const detailIdPrefix = useId();
  const meta: JobsTableMeta = { conn, queue, selection, detailId: (index) => `${detailIdPrefix}-detail-${index}` };

  const table = useTable({
    features: jobsFeatures,
    columns: jobColumns(view, Boolean(selection), dataColumns),
    data: jobs,
    getRowId: (job) => job.id,
    // Every job opens (to its detail row); the list's refreshes keep what is open.
    getRowCanExpand: () => true,
    autoResetExpanded: false,
    meta,
    state: { columnVisibility, columnPinning: JOBS_PINNING, expanded },
    onColumnVisibilityChange,
    onExpandedChange,
  });
  const visibleColumns = table.getVisibleLeafColumns();
  // Search results have a State column: their own scope, should both tables ever share a page.
  const scope = view === 'search' ? 'job-matches' : 'jobs';
  const pinnedAt = (id: string) => (id === 'id' && selection ? 'left-10' : 'left-0');

  return (
    <div className="@container">
      <ColumnFitStyle scope={scope} columns={fitColumnsOf(visibleColumns)} />
      <div className="overflow-x-auto rounded-md border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
        <table className="w-full border-collapse text-left text-sm" data-testid="jobs-table" data-fit={scope}>
          <thead className="bg-zinc-50 text-xs text-zinc-500 uppercase dark:bg-zinc-900 dark:text-zinc-400">
            <tr>
              {table
                .getLeafHeaders()
                .filter((header) => header.column.getIsVisible())
                .map((header) => {
                  const { column } = header;
                  const m = column.columnDef.meta as JobColumnMeta;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      data-col={column.id}
                      title={m.title}
                      className={cn('font-medium', m.headerClassName, column.getIsPinned() === 'start' && cn('sticky z-10 bg-zinc-50 dark:bg-zinc-900', pinnedAt(column.id)))}
                    >
                      <table.FlexRender header={header} />
                    </th>
                  );
                })}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {table.getRowModel().rows.map((row) => {
              const job = row.original;
              const isOpen = row.getIsExpanded();
              const tone = selection?.selected.has(job.id) ? ROW_TONE.selected : isOpen ? ROW_TONE.open : ROW_TONE.plain;
              return (
                <Fragment key={row.id}>
                  <tr className="group">
                    {row.getVisibleCells().map((cell) => {
                      const { column } = cell;
                      const m = column.columnDef.meta as JobColumnMeta;
                      return (
                        <td
                          key={cell.id}
                          data-col={column.id}
                          data-testid={m.cellTestId?.(job)}
                          className={cn(
                            tone,
                            typeof m.cellClassName === 'function' ? m.cellClassName(job, cell.getValue()) : m.cellClassName,
                            column.getIsPinned() === 'start' && cn('sticky z-[1]', pinnedAt(column.id)),
                          )}
                        >
                          <table.FlexRender cell={cell} />
                        </td>
                      );
                    })}
                  </tr>
                  {isOpen && (
                    <tr id={meta.detailId(row.index)} data-testid={`job-detail-${job.id}`} className="bg-zinc-50 dark:bg-zinc-900/40">
                      <td colSpan={visibleColumns.length} className="px-3 pt-1 pb-3">
                        <JobRowDetail conn={conn} queue={queue} job={job} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        {jobs.length === 0 && <div className="px-3 py-8 text-center text-sm text-zinc-500">{empty ?? 'No jobs.'}</div>}
      </div>
    </div>
  );
}

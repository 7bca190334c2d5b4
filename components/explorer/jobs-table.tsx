'use client';
import { Link } from '@/components/ui/link';
import { Fragment, useId, type ReactNode } from 'react';
import type { JobSummary } from '@/lib/jobs/job-summary';
import { RelativeTime } from '@/components/ui/relative-time';
import { cn } from '@/components/ui/cn';
import { useKeyedSelection } from '@/components/ui/use-keyed-selection';
import { ProgressBar } from './progress-bar';
import { StateBadge } from './state-badge';
import { formatBytes, formatDuration, jobHref } from './format';
import { JobRowDetail } from './job-row-detail';

export type JobRow = JobSummary & { state?: string };

export type Selection = {
  selected: ReadonlySet<string>;
  toggle: (id: string) => void;
  setAll: (ids: string[], on: boolean) => void;
};

/**
 * Dense job table: summary fields only; job-derived text is rendered as text, never HTML. A row's toggle
 * opens a detail row under it (error, data preview, timeline) fetched on demand; open rows are kept by
 * job id, so they stay open across live refreshes of the list, until `viewKey` (the list's query) changes.
 */
export function JobsTable({
  conn,
  queue,
  jobs,
  showState = false,
  selection,
  empty,
  viewKey = '',
}: {
  conn: string;
  queue: string;
  jobs: JobRow[];
  showState?: boolean;
  selection?: Selection;
  empty?: ReactNode;
  viewKey?: string;
}) {
  const allSelected = selection && jobs.length > 0 && jobs.every((j) => selection.selected.has(j.id));
  const expanded = useKeyedSelection(viewKey);
  const detailIdPrefix = useId();
  const columns = (selection ? 1 : 0) + (showState ? 1 : 0) + 9;
  return (
    <div className="overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
      <table className="w-full border-collapse text-left text-sm" data-testid="jobs-table">
        <thead className="bg-zinc-50 text-xs text-zinc-500 uppercase dark:bg-zinc-900 dark:text-zinc-400">
          <tr>
            {selection && (
              <th className="w-8 px-3 py-2">
                <input
                  type="checkbox"
                  aria-label="Select all jobs on this page"
                  checked={Boolean(allSelected)}
                  onChange={(e) => selection.setAll(jobs.map((j) => j.id), e.target.checked)}
                />
              </th>
            )}
            <th className="py-2 pr-3 pl-7 font-medium">Id</th>
            <th className="px-3 py-2 font-medium">Name</th>
            {showState && <th className="px-3 py-2 font-medium">State</th>}
            <th className="px-3 py-2 font-medium">Created</th>
            <th className="px-3 py-2 font-medium">Started</th>
            <th className="px-3 py-2 font-medium">Finished</th>
            <th className="px-3 py-2 text-right font-medium">Duration</th>
            <th className="px-3 py-2 text-right font-medium">Attempts</th>
            <th className="px-3 py-2 font-medium">Progress</th>
            <th className="px-3 py-2 font-medium">Failed reason</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {jobs.map((job, index) => {
            const open = expanded.selected.has(job.id);
            const detailId = `${detailIdPrefix}-detail-${index}`;
            return (
              <Fragment key={job.id}>
                <tr className={cn('hover:bg-zinc-50 dark:hover:bg-zinc-900/60', selection?.selected.has(job.id) ? 'bg-indigo-50/60 dark:bg-indigo-950/30' : open && 'bg-zinc-50 dark:bg-zinc-900/60')}>
                  {selection && (
                    <td className="px-3 py-1.5">
                      <input type="checkbox" aria-label={`Select job ${job.id}`} checked={selection.selected.has(job.id)} onChange={() => selection.toggle(job.id)} />
                    </td>
                  )}
                  <td className="max-w-44 truncate py-1.5 pr-3 pl-1 font-mono text-xs" title={job.id}>
                    <button
                      type="button"
                      aria-expanded={open}
                      aria-controls={open ? detailId : undefined}
                      aria-label={`Details of job ${job.id}`}
                      onClick={() => expanded.toggle(job.id)}
                      className="mr-1 inline-flex size-5 items-center justify-center rounded align-middle text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
                    >
                      <svg aria-hidden viewBox="0 0 12 12" className={cn('size-3 transition-transform', open && 'rotate-90')}>
                        <path d="M4.5 2.5 8 6l-3.5 3.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
                      </svg>
                    </button>
                    <Link href={jobHref(conn, queue, job.id)} className="text-indigo-700 hover:underline dark:text-indigo-400">
                      {job.id}
                    </Link>
                  </td>
                  <td className="max-w-56 truncate px-3 py-1.5" title={job.name}>
                    {job.name}
                    {job.dataSize > 256 * 1024 && <span className="ml-1 text-[11px] text-amber-600" title="Payload size">{formatBytes(job.dataSize)}</span>}
                  </td>
                  {showState && (
                    <td className="px-3 py-1.5">
                      <StateBadge state={job.state ?? ''} />
                    </td>
                  )}
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    <RelativeTime ms={job.timestamp} />
                  </td>
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    <RelativeTime ms={job.processedOn} />
                  </td>
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    <RelativeTime ms={job.finishedOn} />
                  </td>
                  <td className="px-3 py-1.5 text-right font-mono text-xs whitespace-nowrap tabular-nums">
                    {job.processedOn && job.finishedOn ? formatDuration(job.finishedOn - job.processedOn) : '—'}
                  </td>
                  <td className="px-3 py-1.5 text-right font-mono text-xs tabular-nums">
                    {job.attemptsMade}
                    {job.maxAttempts ? `/${job.maxAttempts}` : ''}
                  </td>
                  <td className="px-3 py-1.5" data-testid={`progress-${job.id}`}>
                    <ProgressBar progress={job.progress} />
                  </td>
                  <td className="max-w-80 truncate px-3 py-1.5 text-xs text-red-700 dark:text-red-400" title={job.failedReason ?? undefined}>
                    {job.failedReason}
                  </td>
                </tr>
                {open && (
                  <tr id={detailId} data-testid={`job-detail-${job.id}`} className="bg-zinc-50 dark:bg-zinc-900/40">
                    <td colSpan={columns} className="px-3 pt-1 pb-3">
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
  );
}

'use client';
import { Link } from '@/components/ui/link';
import { useEffect, useRef } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { JobDetail } from '@/lib/jobs/get-job';
import type { JobFieldValue } from '@/lib/jobs/get-job-field';
import { queryKeys } from '@/components/query-keys';
import { fetchJson } from './api-client';
import { apiQueuePath, formatBytes, jobHref } from './format';
import { JobTimeline } from './job-timeline';
import { PREVIEW_DATA_BYTES, dataPreviewText, latestStackHead } from './job-preview';
import type { JobRow } from './jobs-table';

/**
 * The inside of an expanded job row: the error with the head of its stack, a bounded preview of the
 * data and the timeline. Fetched when the row opens, from the job page's own endpoints (the job without
 * its payload, and at most PREVIEW_DATA_BYTES of the data): the list itself carries summary fields only.
 * Everything is rendered as text.
 */
export function JobRowDetail({ conn, queue, job }: { conn: string; queue: string; job: JobRow }) {
  const queryClient = useQueryClient();
  const base = `${apiQueuePath(conn, queue)}/jobs/${encodeURIComponent(job.id)}`;
  const detail = useQuery({ queryKey: queryKeys.job(conn, queue, job.id), queryFn: () => fetchJson<JobDetail>(base) });
  const data = useQuery({
    queryKey: queryKeys.jobFieldView(conn, queue, job.id, 'data', PREVIEW_DATA_BYTES, job.dataSize),
    queryFn: () => fetchJson<JobFieldValue>(`${base}/data?limit=${PREVIEW_DATA_BYTES}`),
    enabled: job.dataSize > 0,
  });

  // A live refresh of the list that changed this job (it ran again, failed again…) refreshes what the
  // open row shows too; one that did not leaves it alone.
  const version = `${job.processedOn}:${job.finishedOn}:${job.attemptsMade}:${job.failedReason}`;
  const shown = useRef(version);
  useEffect(() => {
    if (shown.current === version) return;
    shown.current = version;
    void queryClient.invalidateQueries({ queryKey: queryKeys.job(conn, queue, job.id) });
  }, [version, queryClient, conn, queue, job.id]);

  const d = detail.data;
  const reason = d ? (d.failedReason ?? d.deferredFailure) : job.failedReason;
  const stack = d ? latestStackHead(d.stacktrace) : null;

  return (
    <div className="grid gap-3 text-xs lg:grid-cols-3">
      <section aria-label="Error" className="min-w-0">
        <h3 className="font-semibold text-zinc-600 dark:text-zinc-300">Error</h3>
        {reason ? (
          <p className="mt-1 font-mono break-all whitespace-pre-wrap text-red-800 dark:text-red-300" data-testid="row-failed-reason">
            {reason}
          </p>
        ) : (
          <p className="mt-1 text-zinc-500">No error.</p>
        )}
        {stack && (
          <pre className="mt-1 max-h-40 overflow-auto rounded bg-white p-2 font-mono text-[11px] break-all whitespace-pre-wrap text-zinc-700 dark:bg-zinc-950 dark:text-zinc-300" data-testid="row-stack">
            {stack.lines.join('\n')}
            {stack.more > 0 && `\n… ${stack.more} more line${stack.more === 1 ? '' : 's'} on the job page`}
          </pre>
        )}
      </section>
      <section aria-label="Data" className="min-w-0">
        <h3 className="font-semibold text-zinc-600 dark:text-zinc-300">
          Data <span className="font-normal text-zinc-500">{formatBytes(job.dataSize)}</span>
          {data.data?.truncated && (
            <span className="ml-1 font-normal text-amber-600">
              first {formatBytes(PREVIEW_DATA_BYTES)} shown
            </span>
          )}
        </h3>
        {job.dataSize === 0 ? (
          <p className="mt-1 text-zinc-500">No data.</p>
        ) : data.error ? (
          <p role="alert" className="mt-1 text-red-600">
            {(data.error as Error).message}
          </p>
        ) : data.data ? (
          <pre className="mt-1 max-h-40 overflow-auto rounded bg-white p-2 font-mono text-[11px] break-all whitespace-pre-wrap dark:bg-zinc-950" data-testid="row-data-preview">
            {dataPreviewText(data.data)}
          </pre>
        ) : (
          <p className="mt-1 text-zinc-500">Loading…</p>
        )}
      </section>
      <div className="min-w-0 space-y-2">
        {detail.error ? (
          <p role="alert" className="text-red-600">
            {(detail.error as Error).message}
          </p>
        ) : d ? (
          <JobTimeline job={d} />
        ) : (
          <p className="text-zinc-500">Loading…</p>
        )}
        <Link href={jobHref(conn, queue, job.id)} className="inline-block text-indigo-700 hover:underline dark:text-indigo-400">
          Open the job page ›
        </Link>
      </div>
    </div>
  );
}

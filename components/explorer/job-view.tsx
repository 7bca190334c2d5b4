'use client';
import { Link } from '@/components/ui/link';
import { useEffect, useRef } from 'react';
import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { JobDetail } from '@/lib/jobs/get-job';
import type { ChildJob } from '@/lib/jobs/get-job-children';
import type { Attempt } from '@/lib/attempts';
import { Fact } from '@/components/ui/fact';
import { fetchJson } from './api-client';
import { apiQueuePath, jobHref, queueHref } from './format';
import { useLiveEvents, throttle } from './use-live-events';
import { LiveIndicator } from './live-indicator';
import { useLiveState } from './live-store';
import { StateBadge } from './state-badge';
import { ProgressBar } from './progress-bar';
import { PayloadPanel } from './payload-panel';
import { LogsPanel } from './logs-panel';
import { JsonValueView } from '@/components/explorer/json-value-view';
import { AttemptsPanel } from './attempts-panel';
import { JobLinks, TraceId } from './job-links';
import { JobTimeline } from './job-timeline';
import { JobToolbar } from '@/components/jobs/job-toolbar';
import { queryKeys } from '@/components/query-keys';

export function JobView({
  conn,
  queue,
  initialJob,
  initialAttempts,
  canAct,
}: {
  conn: string;
  queue: string;
  initialJob: JobDetail;
  initialAttempts: Attempt[];
  /** operator or admin on a writable connection */
  canAct: boolean;
}) {
  const queryClient = useQueryClient();
  const id = initialJob.id;
  const key: QueryKey = queryKeys.job(conn, queue, id);
  const base = `${apiQueuePath(conn, queue)}/jobs/${encodeURIComponent(id)}`;
  const { status } = useLiveState();
  const { data: job, error } = useQuery({
    queryKey: key,
    queryFn: () => fetchJson<JobDetail>(base),
    initialData: initialJob,
    // The SSE stream says when the job changes; poll only while it is down.
    refetchInterval: status === 'live' || status === 'paused' ? false : 10_000,
  });
  const attempts = useQuery({
    queryKey: queryKeys.jobAttempts(conn, queue, id),
    queryFn: () => fetchJson<{ attempts: Attempt[] }>(`${base}/attempts`).then((r) => r.attempts),
    initialData: initialAttempts,
  }).data;
  const childTotal = job.dependencies.processed + job.dependencies.unprocessed + job.dependencies.ignored + job.dependencies.failed;
  const children = useQuery({
    queryKey: queryKeys.jobChildren(conn, queue, id),
    queryFn: () => fetchJson<{ children: ChildJob[] }>(`${base}/children`).then((r) => r.children),
    enabled: childTotal > 0,
  }).data;

  const refresh = useRef<() => void>(() => {});
  const refreshOnBurst = useRef<() => void>(() => {});
  useEffect(() => {
    const invalidate = () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.job(conn, queue, id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobAttempts(conn, queue, id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobLogsCount(conn, queue, id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobChildren(conn, queue, id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobFields(conn, queue, id) });
    };
    refresh.current = throttle(invalidate, 300);
    // A busy queue's events arrive as bursts (counts, no job ids), every 100 ms: this job may be among them.
    refreshOnBurst.current = throttle(invalidate, 5000);
  }, [queryClient, conn, queue, id]);

  useLiveEvents({ queues: [{ conn, queue }] }, (event) => {
    if (event.type === 'burst' && event.connection === conn && event.queue === queue) refreshOnBurst.current();
    if (event.type !== 'job' || event.jobId !== id) return;
    if (event.event === 'progress') {
      queryClient.setQueryData<JobDetail>(key, (old) => (old ? { ...old, progress: event.progress as number | string } : old));
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobLogsCount(conn, queue, id) });
    } else refresh.current();
  });

  const gone = error && (error as { status?: number }).status === 404;

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-500">
        <Link href="/" className="hover:underline">
          Overview
        </Link>{' '}
        / {conn} /{' '}
        <Link href={queueHref(conn, queue, { state: job.state })} className="hover:underline">
          {queue}
        </Link>{' '}
        /{' '}
        <span aria-current="page" title={job.id} className="inline-block max-w-[16rem] truncate align-bottom font-mono">
          {job.id}
        </span>
      </nav>
      {gone && (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          This job no longer exists (it may have been removed). Showing the last data loaded.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-lg font-semibold break-all" data-testid="job-name">
          {job.name}
        </h1>
        <span className="font-mono text-sm text-zinc-500 break-all">#{job.id}</span>
        <StateBadge state={job.state} />
        <LiveIndicator />
        <div className="ml-auto flex flex-wrap gap-2">{canAct && !gone && <JobToolbar conn={conn} queue={queue} job={job} />}</div>
      </div>

      <JobLinks links={job.links ?? []} />

      <div data-testid="job-progress">
        <ProgressBar progress={job.progress} large />
      </div>

      <JobTimeline job={job} />

      <dl className="grid grid-cols-2 gap-3 rounded-md border border-zinc-200 p-3 sm:grid-cols-4 lg:grid-cols-6 dark:border-zinc-800">
        <Fact label="Attempts made / started">
          <span className="font-mono">
            {job.attemptsMade} / {job.attemptsStarted}
            {typeof job.opts.attempts === 'number' && job.opts.attempts > 0 && <span className="text-zinc-500"> of {job.opts.attempts}</span>}
          </span>
        </Fact>
        <Fact label="Stalled">
          <span className="font-mono">{job.stalledCounter}</span>
        </Fact>
        <Fact label="Priority">
          <span className="font-mono">{job.priority}</span>
        </Fact>
        <Fact label="Processed by">
          <span className="font-mono text-xs break-all">{job.processedBy ?? '—'}</span>
        </Fact>
        {job.trace && (
          <Fact label="Trace id">
            <TraceId trace={job.trace} />
          </Fact>
        )}
        {job.parent && (
          <Fact label="Parent">
            <Link className="font-mono text-xs text-indigo-600 hover:underline" href={jobHref(conn, job.parent.queue, job.parent.id)}>
              {job.parent.queue} #{job.parent.id}
            </Link>
          </Fact>
        )}
        {job.repeatJobKey && (
          <Fact label="Scheduler">
            <span className="font-mono text-xs break-all">{job.repeatJobKey}</span>
          </Fact>
        )}
        {job.deduplicationId && (
          <Fact label="Deduplication id">
            <span className="font-mono text-xs break-all">{job.deduplicationId}</span>
          </Fact>
        )}
      </dl>

      {(job.failedReason || job.deferredFailure) && (
        <section aria-label="Error" className="rounded-md border border-red-200 bg-red-50 p-3 dark:border-red-900 dark:bg-red-950/40">
          <h2 className="text-sm font-semibold text-red-800 dark:text-red-300">Failed reason</h2>
          <pre className="mt-1 font-mono text-xs break-all whitespace-pre-wrap text-red-900 dark:text-red-200" data-testid="failed-reason">
            {job.failedReason ?? job.deferredFailure}
          </pre>
        </section>
      )}

      <div className="grid gap-4 xl:grid-cols-2">
        <PayloadPanel conn={conn} queue={queue} id={id} field="data" size={job.dataSize} title="Data" />
        <PayloadPanel conn={conn} queue={queue} id={id} field="returnvalue" size={job.returnValueSize} title="Return value" />
      </div>

      <AttemptsPanel attempts={attempts} stacktrace={job.stacktrace} attemptsMade={job.attemptsMade} />

      <LogsPanel conn={conn} queue={queue} id={id} live={job.state === 'active'} />

      {childTotal > 0 && (
        <section aria-label="Children" className="rounded-md border border-zinc-200 dark:border-zinc-800">
          <header className="flex gap-3 border-b border-zinc-200 px-3 py-2 text-xs dark:border-zinc-800">
            <h2 className="text-sm font-semibold">Children</h2>
            <span>{job.dependencies.unprocessed} pending</span>
            <span>{job.dependencies.processed} processed</span>
            <span>{job.dependencies.failed} failed</span>
            <span>{job.dependencies.ignored} ignored</span>
          </header>
          <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {(children ?? []).map((c) => (
              <li key={c.key} className="flex items-center gap-3 px-3 py-1.5">
                <StateBadge state={c.state} />
                <Link href={jobHref(conn, c.queue, c.id)} className="font-mono text-xs text-indigo-600 hover:underline">
                  {c.queue} #{c.id}
                </Link>
                <span className="truncate">{c.name}</span>
                <span className="ml-auto text-xs text-zinc-500">{c.group}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-label="Options" className="rounded-md border border-zinc-200 dark:border-zinc-800">
        <header className="border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <h2 className="text-sm font-semibold">Options</h2>
        </header>
        <div className="p-3">
          {job.truncated.opts ? <p className="text-xs text-zinc-500">Options are {job.truncated.opts} bytes; too large to show.</p> : <JsonValueView value={job.opts} label="Options, formatted" />}
        </div>
      </section>
    </div>
  );
}

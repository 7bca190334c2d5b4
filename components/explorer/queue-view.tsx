'use client';
import { Link } from '@/components/ui/link';
import { useEffect, useRef } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { QueueDetail } from '@/lib/queues/get-queue';
import type { JobPage } from '@/lib/jobs/list-jobs';
import type { JobState } from '@/lib/jobs/job-states';
import { Input, Select } from '@/components/ui/input';
import { EmptyState } from '@/components/ui/empty-state';
import { cn } from '@/components/ui/cn';
import { useKeyedSelection } from '@/components/ui/use-keyed-selection';
import { fetchJson } from './api-client';
import { APPROXIMATE_TITLE, apiQueuePath, approximateMark, formatExact, queueHref } from './format';
import { useLiveEvents, throttle } from './use-live-events';
import { useLivePaused } from './live-store';
import { QueueHeader } from './queue-header';
import { StateTabs } from './state-tabs';
import { JobsTable } from './jobs-table';
import { JobColumnsMenu } from './job-columns-menu';
import { Pagination } from './pagination';
import { SearchPanel } from './search-panel';
import { hasRole, type Role } from '@/lib/auth/roles';
import type { JobKindSchemaSummary } from '@/lib/job-kinds/registry';
import { QueueToolbar } from '@/components/queues/queue-toolbar';
import { ObjectivesButton } from '@/components/objectives/objectives-dialog';
import { BulkToolbar } from '@/components/jobs/bulk-toolbar';
import { QueueMetricsPanel } from '@/components/metrics/queue-metrics-panel';
import { queryKeys } from '@/components/query-keys';

export type QueueQuery = { state: JobState; page: number; size: number; order: 'newest' | 'oldest'; name?: string; cursor?: number };

const EMPTY_HINT: Record<JobState, string> = {
  waiting: 'No job is waiting. New jobs appear here until a worker picks them up.',
  active: 'No job is running right now.',
  delayed: 'No delayed job. Jobs added with a delay (or waiting for a retry backoff) appear here.',
  prioritized: 'No prioritized job waiting.',
  'waiting-children': 'No flow parent is waiting for its children.',
  completed: 'No completed job kept. Workers may remove completed jobs (removeOnComplete).',
  failed: 'No failed job. Failures appear here after their last attempt.',
};

export function QueueView({
  conn,
  queue,
  initialDetail,
  initialPage,
  query,
  role,
  canAct,
  schema,
  isDeadLetterQueue = false,
  userKey,
}: {
  conn: string;
  queue: string;
  initialDetail: QueueDetail;
  initialPage: JobPage;
  query: QueueQuery;
  role: Role;
  /** operator or admin on a writable connection */
  canAct: boolean;
  schema: JobKindSchemaSummary | null;
  isDeadLetterQueue?: boolean;
  /** who is signed in: per-user view preferences (the Metrics section open or collapsed, hidden job columns) are kept under it */
  userKey: string;
}) {
  const router = useRouter();
  // While a search is in the URL its results replace the list (one table, no job shown twice).
  const searching = Boolean(useSearchParams().get('q'));
  const queryClient = useQueryClient();
  const searchRef = useRef<HTMLInputElement>(null);
  const base = apiQueuePath(conn, queue);
  const detailKey: QueryKey = queryKeys.queue(conn, queue);
  const pageKey: QueryKey = queryKeys.jobPage(conn, queue, query);

  const paused = useLivePaused();
  const detail = useQuery({ queryKey: detailKey, queryFn: () => fetchJson<QueueDetail>(base), initialData: initialDetail, refetchInterval: paused ? false : 15_000 }).data;
  const page = useQuery({
    queryKey: pageKey,
    queryFn: () => {
      const qs = new URLSearchParams({ state: query.state, page: String(query.page), size: String(query.size), order: query.order });
      if (query.name) qs.set('name', query.name);
      if (query.name && query.cursor) qs.set('cursor', String(query.cursor));
      return fetchJson<JobPage>(`${base}/jobs?${qs}`);
    },
    initialData: initialPage,
  }).data;

  // Keyed on the whole query: another tab, page, order or filter starts with nothing selected.
  const { selected, toggle, setAll, clear: clearSelection } = useKeyedSelection(JSON.stringify(query));
  const selection = canAct ? { selected, toggle, setAll } : undefined;
  const refreshRef = useRef<() => void>(() => {});
  useEffect(() => {
    refreshRef.current = throttle(() => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.queue(conn, queue) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.queueJobs(conn, queue) });
    }, 1000);
  }, [queryClient, conn, queue]);

  useLiveEvents({ queues: [{ conn, queue }] }, (event) => {
    if (event.type === 'job' && event.event === 'progress') {
      // Move progress bars in place, without refetching the page.
      queryClient.setQueriesData<JobPage>({ queryKey: queryKeys.queueJobs(conn, queue) }, (old) =>
        old ? { ...old, jobs: old.jobs.map((j) => (j.id === event.jobId ? { ...j, progress: event.progress as number | string } : j)) } : old,
      );
      return;
    }
    if (event.type === 'job' || event.type === 'burst' || event.type === 'queue') refreshRef.current();
  });

  const keep = { size: query.size !== 25 ? String(query.size) : undefined, order: query.order !== 'newest' ? query.order : undefined, name: query.name };
  const hrefFor = (p: number) => queueHref(conn, queue, { ...keep, state: query.state, page: p > 1 ? p : undefined });

  // Keyboard: "/" focuses search, ← / → change page (when not typing, and never under an open dialog:
  // the page would change beneath it). Attached once; the current page is read from a ref.
  const keyboardRef = useRef({ page: query.page, hasNext: page.hasNext, hrefFor });
  useEffect(() => {
    keyboardRef.current = { page: query.page, hasNext: page.hasNext, hrefFor };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target instanceof HTMLElement ? e.target : null;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (target && (['BUTTON', 'INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.isContentEditable || target.closest('dialog'))) return;
      if (document.querySelector('dialog[open]')) return;
      const { page: current, hasNext, hrefFor: href } = keyboardRef.current;
      if (e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (e.key === 'ArrowRight' && hasNext) router.push(href(current + 1));
      else if (e.key === 'ArrowLeft' && current > 1) router.push(href(current - 1));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [router]);

  const setQuery = (patch: Record<string, string | undefined>) =>
    router.push(queueHref(conn, queue, { ...keep, state: query.state, ...patch }));

  return (
    // Room at the bottom for the floating selection bar, so it never covers the last row or the pager.
    <div className={cn('space-y-4', selected.size > 0 && !searching && 'pb-16')}>
      <QueueHeader
        conn={conn}
        queue={queue}
        detail={detail}
        // Objectives only watch the queue (the server allows them on a read-only connection): an operator
        // sets them there too, from the button alone; the dead-letter queue has none.
        actions={canAct ? <QueueToolbar conn={conn} queue={queue} detail={detail} role={role} schema={schema} /> : hasRole(role, 'operator') && !isDeadLetterQueue ? <ObjectivesButton conn={conn} queue={queue} /> : undefined}
      />
      {isDeadLetterQueue && (
        <p role="note" className="rounded-md border border-purple-200 bg-purple-50 px-3 py-2 text-sm text-purple-900 dark:border-purple-900 dark:bg-purple-950/40 dark:text-purple-200">
          This is the connection’s dead-letter queue: its dead letters sit in its failed set. Group, requeue, purge and export them on the{' '}
          <Link href={`/dlq/${encodeURIComponent(conn)}`} className="font-medium underline">
            Dead letters page
          </Link>
          .
        </p>
      )}
      <QueueMetricsPanel conn={conn} queue={queue} userKey={userKey} />
      <SearchPanel conn={conn} queue={queue} inputRef={searchRef} canAct={canAct} role={role} userKey={userKey} />
      {!searching && (
        <>
          <StateTabs conn={conn} queue={queue} state={query.state} counts={detail.counts} approximate={detail.approximate} keep={keep} />
          <div className="flex flex-wrap items-center gap-2">
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const name = String(new FormData(e.currentTarget).get('name') ?? '').trim();
                setQuery({ name: name || undefined, page: undefined });
              }}
            >
              <Input key={query.name ?? ''} name="name" defaultValue={query.name ?? ''} placeholder="Filter by job name (exact)" aria-label="Filter by job name" className="h-8 w-60" />
            </form>
            <Select aria-label="Order" className="h-8 w-36 text-xs" value={query.order} onChange={(e) => setQuery({ order: e.target.value === 'newest' ? undefined : e.target.value, page: undefined })}>
              <option value="newest">Newest first</option>
              <option value="oldest">Oldest first</option>
            </Select>
            <Select aria-label="Page size" className="h-8 w-28 text-xs" value={query.size} onChange={(e) => setQuery({ size: e.target.value === '25' ? undefined : e.target.value, page: undefined })}>
              {[10, 25, 50, 100, 200].map((n) => (
                <option key={n} value={n}>
                  {n} / page
                </option>
              ))}
            </Select>
            <span className="text-xs text-zinc-500" data-testid="jobs-total" title={page.approximate ? APPROXIMATE_TITLE : undefined}>
              {page.filter
                ? `Name filter: looked at ${formatExact(page.filter.scanned)} of ${formatExact(page.total)} jobs${page.filter.from ? ` from position ${formatExact(page.filter.from)}` : ''}${page.filter.complete ? ' (to the end)' : ` (at most ${formatExact(page.filter.maxScan)} per page)`}`
                : `${approximateMark(page.approximate === true)}${formatExact(page.total)} ${query.state} job${page.total === 1 ? '' : 's'}`}
            </span>
            {/* The "… all N" buttons share the filter row: they must not push the jobs down the page. */}
            <span className="ml-auto flex items-center gap-2">
              {canAct && (
                <BulkToolbar
                  key={`${query.state}-${query.page}`}
                  conn={conn}
                  queue={queue}
                  whole={{ kind: 'state', state: query.state, count: detail.counts[query.state], approximate: detail.approximate?.includes(query.state) }}
                  selection={{ ids: [...selected], states: selected.size > 0 ? [query.state] : [] }}
                  role={role}
                  onDone={clearSelection}
                  onClearSelection={clearSelection}
                />
              )}
              <JobColumnsMenu view={query.state} userKey={userKey} />
            </span>
          </div>
        </>
      )}
      {!searching && (
        <>
        {page.jobs.length === 0 && query.page === 1 && !query.name ? (
          <EmptyState title={`No ${query.state} jobs`}>{EMPTY_HINT[query.state]}</EmptyState>
        ) : (
          <JobsTable conn={conn} queue={queue} jobs={page.jobs} view={query.state} userKey={userKey} selection={selection} viewKey={JSON.stringify(query)} empty={query.name ? `No ${query.state} job named “${query.name}” on this page.` : 'This page is empty.'} />
        )}
        {page.filter ? (
          <nav aria-label="Pagination" className="flex items-center gap-2 text-sm">
            {page.filter.from > 0 && (
              <Link href={queueHref(conn, queue, { ...keep, state: query.state })} className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800">
                « From the start
              </Link>
            )}
            {page.filter.nextCursor !== null ? (
              <Link href={queueHref(conn, queue, { ...keep, state: query.state, cursor: page.filter.nextCursor })} rel="next" className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800">
                Continue ›
              </Link>
            ) : (
              <span className="text-xs text-zinc-500">No more {query.state} jobs to look at.</span>
            )}
          </nav>
        ) : (
          <Pagination page={query.page} size={query.size} total={page.total} hasNext={page.hasNext} hrefFor={hrefFor} />
        )}
        </>
      )}
    </div>
  );
}

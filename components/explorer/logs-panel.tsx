'use client';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { JobLogs } from '@/lib/jobs/get-job-logs';
import { Button } from '@/components/ui/button';
import { fetchJson } from './api-client';
import { apiQueuePath, formatExact } from './format';
import { queryKeys } from '@/components/query-keys';
import { useLivePaused } from './live-store';

const PAGE = 200;

/** Job logs, 200 lines per page; the last page follows new lines live while the job runs. */
export function LogsPanel({ conn, queue, id, live }: { conn: string; queue: string; id: string; live: boolean }) {
  const paused = useLivePaused();
  const [page, setPage] = useState<number | 'last'>('last');
  const url = `${apiQueuePath(conn, queue)}/jobs/${encodeURIComponent(id)}/logs`;
  const { data: head } = useQuery({
    queryKey: queryKeys.jobLogsCount(conn, queue, id),
    queryFn: () => fetchJson<JobLogs>(`${url}?start=0&end=0`),
    refetchInterval: live && !paused ? 1500 : false,
  });
  const count = head?.count ?? 0;
  const lastPage = Math.max(0, Math.ceil(count / PAGE) - 1);
  const current = page === 'last' ? lastPage : page;
  const { data, isLoading } = useQuery({
    queryKey: queryKeys.jobLogs(conn, queue, id, current, count),
    queryFn: () => fetchJson<JobLogs>(`${url}?start=${current * PAGE}&end=${current * PAGE + PAGE - 1}`),
    enabled: head !== undefined,
    placeholderData: (prev) => prev,
  });
  return (
    <section aria-label="Logs" className="rounded-md border border-zinc-200 dark:border-zinc-800">
      <header className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Logs</h2>
        <span className="text-xs text-zinc-500" data-testid="logs-count">
          {formatExact(count)} line{count === 1 ? '' : 's'}
        </span>
        {live && page === 'last' && <span className="text-xs text-emerald-600">following</span>}
        {lastPage > 0 && (
          <div className="ml-auto flex items-center gap-1 text-xs">
            <Button size="sm" variant="ghost" disabled={current === 0} onClick={() => setPage(Math.max(0, current - 1))}>
              ‹ Older
            </Button>
            <span>
              {current + 1} / {lastPage + 1}
            </span>
            <Button size="sm" variant="ghost" disabled={current >= lastPage} onClick={() => setPage(current + 1 >= lastPage ? 'last' : current + 1)}>
              Newer ›
            </Button>
          </div>
        )}
      </header>
      <div className="max-h-96 overflow-auto p-3">
        {count === 0 ? (
          <p className="text-xs text-zinc-500">No log lines. Processors write them with job.log().</p>
        ) : isLoading && !data ? (
          <p className="text-xs text-zinc-500">Loading…</p>
        ) : (
          <ol className="font-mono text-xs" start={current * PAGE + 1} data-testid="log-lines">
            {data?.logs.map((line, i) => (
              <li key={`${current}-${i}`} className="flex gap-3 break-all whitespace-pre-wrap">
                <span className="w-10 shrink-0 text-right text-zinc-400 select-none">{current * PAGE + i + 1}</span>
                <span>{line}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

'use client';
// The Busy page: every worker process and the jobs it runs now, refreshed with each live overview
// snapshot (every 3 s) or every 5 s while the stream is down; paused with the other live pages. It reads
// the Workers view (workers.list): the Busy view's processes plus Drover processes gone within the hour
// (shown greyed below the live ones) and the bound of the concurrency field.
import { Link } from '@/components/ui/link';
import { useEffect, useRef } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { BusyProcess } from '@/lib/workers/busy-schemas';
import type { Workers, WorkersConnection } from '@/lib/worker-control/workers-schemas';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { RelativeTime } from '@/components/ui/relative-time';
import { Table, TBody, THead, Td, Th, Tr } from '@/components/ui/table';
import { fetchJson } from '@/components/explorer/api-client';
import { formatExact, jobHref, queueHref } from '@/components/explorer/format';
import { RunningFor } from './running-for';
import { LiveIndicator } from '@/components/explorer/live-indicator';
import { ProgressBar } from '@/components/explorer/progress-bar';
import { useLiveState } from '@/components/explorer/live-store';
import { throttle, useLiveEvents } from '@/components/explorer/use-live-events';
import { queryKeys } from '@/components/query-keys';
import { ProcessControls, ProcessStateBadge, QueueControls } from './process-controls';
import { CircuitsPanel } from './circuits-panel';

export function BusyView({ initial, canControl = false }: { initial: Workers; canControl?: boolean }) {
  const queryClient = useQueryClient();
  const { status } = useLiveState();
  const { data } = useQuery({
    queryKey: queryKeys.busy(),
    queryFn: () => fetchJson<Workers>('/api/v1/workers'),
    initialData: initial,
    refetchInterval: status === 'live' || status === 'paused' ? false : 5_000,
  });
  const refresh = useRef<() => void>(() => {});
  useEffect(() => {
    refresh.current = throttle(() => void queryClient.invalidateQueries({ queryKey: queryKeys.busy() }), 2_000);
  }, [queryClient]);
  useLiveEvents({ overview: true }, (event) => {
    if (event.type === 'overview') refresh.current();
  });

  const processes = data.connections.reduce((n, c) => n + c.processesTotal, 0);
  const running = data.connections.reduce((n, c) => n + c.runningTotal, 0);
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Busy</h1>
        <LiveIndicator />
        <span className="text-sm text-zinc-500" data-testid="busy-summary">
          {formatExact(processes)} worker process{processes === 1 ? '' : 'es'}, {formatExact(running)} job{running === 1 ? '' : 's'} running
        </span>
      </div>
      {data.connections.map((c) => (
        <ConnectionSection key={c.name} connection={c} showName={data.connections.length > 1} limits={data.limits} canControl={canControl} />
      ))}
    </div>
  );
}

function ConnectionSection({ connection: c, showName, limits, canControl }: { connection: WorkersConnection; showName: boolean; limits: Workers['limits']; canControl: boolean }) {
  const hidden = c.processesTotal - c.processes.length;
  return (
    <section aria-label={`Connection ${c.name}`} className="space-y-3" data-testid={`busy-connection-${c.name}`}>
      {showName && <h2 className="text-sm font-semibold text-zinc-700 dark:text-zinc-300">{c.name}</h2>}
      {c.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {c.name}: {c.error}
        </p>
      )}
      {!c.clientList && !c.error && (
        <p role="note" className="text-xs text-amber-700 dark:text-amber-400">
          This Redis refused CLIENT LIST: only Drover’s worker runtimes (which report themselves) are listed.
        </p>
      )}
      {c.unreadable > 0 && (
        <p role="note" className="text-xs text-amber-700 dark:text-amber-400" data-testid="busy-unreadable">
          {formatExact(c.unreadable)} heartbeat record{c.unreadable === 1 ? '' : 's'} could not be read (too large or not a Drover heartbeat): counted, not listed.
        </p>
      )}
      {!c.error && c.processes.length === 0 && c.unreadable === 0 && (
        <EmptyState title="No worker process is connected">
          Start Drover’s workers with <code className="font-mono">npm run workers</code> (each process reports what it runs every 5 s), or connect a
          BullMQ Worker to a queue with the prefix <code className="font-mono">{c.prefix}</code> on this Redis; give it a <code className="font-mono">name</code> so
          its jobs can be told apart. Connected workers are listed here even when idle.
        </EmptyState>
      )}
      {c.processes.map((p) => (
        <ProcessCard key={p.key} conn={c.name} process={p} canControl={canControl} maxConcurrency={limits.concurrency} />
      ))}
      {hidden > 0 && (
        <p className="text-sm text-zinc-500" data-testid="busy-more-processes">
          {formatExact(hidden)} more process{hidden === 1 ? '' : 'es'} not listed (at most {limits.processes} are shown per connection).
        </p>
      )}
      {c.gone.length > 0 && (
        <div className="space-y-2" data-testid="busy-gone">
          <h3 className="text-xs font-medium text-zinc-500" title="No heartbeat for 3 beats and no graceful stop: killed, crashed or cut off. Listed for an hour after the last heartbeat (at most 50 per connection).">
            Gone ({formatExact(c.gone.length)})
          </h3>
          {c.gone.map((p) => (
            <GoneProcessCard key={p.key} process={p} />
          ))}
        </div>
      )}
      {!c.error && <CircuitsPanel conn={c.name} canControl={canControl} />}
    </section>
  );
}

/** A Drover process whose heartbeat expired: greyed, what it last said, no controls. */
function GoneProcessCard({ process: p }: { process: BusyProcess }) {
  return (
    <article className="rounded-md border border-dashed border-zinc-300 px-3 py-2 text-sm text-zinc-500 opacity-70 dark:border-zinc-700" data-testid="busy-gone-process" aria-label={`Gone worker ${p.name}`}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-mono font-medium break-all">{p.name}</span>
        <Badge title="Its heartbeat expired (3 missed beats) without a graceful stop">gone</Badge>
        {p.host && (
          <span className="font-mono text-xs">
            {p.host}:{p.pid}
          </span>
        )}
        <span className="text-xs" data-testid="busy-gone-since">
          gone since <RelativeTime ms={p.beatAt} /> (its last heartbeat)
        </span>
        <span className="ml-auto text-xs">
          {p.state ? `last ${p.state}, ` : ''}
          {p.partial ? 'at least ' : ''}
          {formatExact(p.jobsTotal)} job{p.jobsTotal === 1 ? '' : 's'} running then
        </span>
      </div>
      <p className="mt-1 text-xs">
        Queues: <span className="font-mono">{p.queues.join(', ')}</span>
        {p.queuesTotal > p.queues.length && ` and ${formatExact(p.queuesTotal - p.queues.length)} more`}
      </p>
    </article>
  );
}

function ProcessCard({ conn, process: p, canControl, maxConcurrency }: { conn: string; process: BusyProcess; canControl: boolean; maxConcurrency: number }) {
  const hiddenJobs = p.jobsTotal - p.jobs.length;
  const capacity = p.concurrency ? Object.values(p.concurrency).reduce((n, c) => n + c, 0) : null;
  return (
    <article className="rounded-md border border-zinc-200 dark:border-zinc-800" data-testid="busy-process" data-kind={p.kind} aria-label={`Worker ${p.name}`}>
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
        <span className="font-mono font-medium break-all" data-testid="busy-process-name">
          {p.name}
        </span>
        {p.kind === 'drover' ? (
          <Badge tone="indigo" title="A Drover worker runtime: it reports what it runs every few seconds">
            Drover runtime
          </Badge>
        ) : (
          <Badge title="A BullMQ worker found in CLIENT LIST; its jobs are the active jobs it took (processedBy)">BullMQ worker</Badge>
        )}
        <ProcessStateBadge process={p} />
        {p.noHeartbeat && (
          <Badge tone="amber" title="Named like a Drover runtime, but no heartbeat of it is live: its heartbeat is off (DROVER_BUSY_HEARTBEAT_MS) or cannot be written, or another BullMQ worker uses the name. Listed from CLIENT LIST.">
            no heartbeat
          </Badge>
        )}
        {p.host && (
          <span className="font-mono text-xs text-zinc-500">
            {p.host}:{p.pid}
          </span>
        )}
        {p.addressesTotal > 0 && (
          <span className="font-mono text-xs text-zinc-500" title={[...p.addresses, ...(p.addressesTotal > p.addresses.length ? [`and ${formatExact(p.addressesTotal - p.addresses.length)} more`] : [])].join('\n')}>
            {formatExact(p.addressesTotal)} connection{p.addressesTotal === 1 ? '' : 's'}
          </span>
        )}
        <span className="text-xs text-zinc-500">
          {p.kind === 'drover' ? 'started' : 'connected'} <RelativeTime ms={p.startedAt} />
        </span>
        <span className="ml-auto text-xs text-zinc-600 dark:text-zinc-400" data-testid="busy-process-load">
          {p.partial ? 'at least ' : ''}
          {formatExact(p.jobsTotal)} running{capacity !== null ? ` of ${formatExact(capacity)}` : ''}
        </span>
        {p.beatAt !== null && (
          <span className="text-xs text-zinc-500" title={new Date(p.beatAt).toISOString()}>
            heartbeat <RelativeTime ms={p.beatAt} />
          </span>
        )}
        {canControl && <ProcessControls conn={conn} process={p} />}
      </header>
      <div className="flex flex-wrap gap-1.5 px-3 pt-2 text-xs">
        <span className="text-zinc-500">Queues:</span>
        {p.queues.map((q) => (
          <span key={q} className="inline-flex items-center gap-1">
            <Link href={queueHref(conn, q, { state: 'active' })} className="font-mono text-indigo-700 hover:underline dark:text-indigo-400">
              {q}
              {p.concurrency?.[q] !== undefined && <span className="text-zinc-500"> ×{p.concurrency[q]}</span>}
            </Link>
            {canControl && <QueueControls conn={conn} queue={q} process={p} maxConcurrency={maxConcurrency} />}
          </span>
        ))}
        {p.queuesTotal > p.queues.length && <span className="text-zinc-500">and {formatExact(p.queuesTotal - p.queues.length)} more</span>}
      </div>
      {p.jobs.length === 0 ? (
        <p className="px-3 py-2 text-xs text-zinc-500">Idle: no job running.</p>
      ) : (
        <div className="overflow-x-auto px-1 pb-1">
          <Table>
            <THead>
              <Tr>
                <Th>Job</Th>
                <Th>Queue</Th>
                <Th>Name</Th>
                <Th>Running for</Th>
                <Th>Progress</Th>
              </Tr>
            </THead>
            <TBody>
              {p.jobs.map((j) => (
                <Tr key={`${j.queue}/${j.id}`} data-testid="busy-job">
                  <Td className="max-w-[16rem] truncate font-mono">
                    {j.idTruncated ? (
                      <span title={`${j.id}… (id too long to link)`} data-testid="busy-job-id-truncated">
                        {j.id}…
                      </span>
                    ) : (
                      <Link href={jobHref(conn, j.queue, j.id)} className="text-indigo-700 hover:underline dark:text-indigo-400" title={j.id}>
                        {j.id}
                      </Link>
                    )}
                  </Td>
                  <Td className="font-mono">{j.queue}</Td>
                  <Td className="max-w-[16rem] truncate" title={j.name}>
                    {j.name}
                  </Td>
                  <Td className="font-mono tabular-nums">
                    <RunningFor since={j.startedAt} />
                  </Td>
                  <Td>
                    <ProgressBar progress={j.progress} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        </div>
      )}
      {hiddenJobs > 0 && (
        <p className="px-3 pb-2 text-xs text-zinc-500" data-testid="busy-more-jobs">
          {formatExact(hiddenJobs)} more job{hiddenJobs === 1 ? '' : 's'} running (the longest-running are listed).
        </p>
      )}
    </article>
  );
}

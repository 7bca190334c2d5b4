'use client';
import Link from 'next/link';
import { useMemo } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Overview, OverviewConnection, OverviewQueue } from '@/lib/queues/get-overview';
import { Badge } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Select } from '@/components/ui/input';
import { compareAttention, queueHealth, type QueueHealth } from '@/lib/queues/queue-health';
import { StateBar } from './state-bar';
import { cn } from '@/components/ui/cn';
import { useNow } from '@/components/ui/use-now';
import { replaceSearchParams, useUrlTextFilter } from '@/components/ui/url-query';
import { fetchJson } from './api-client';
import { formatCount, formatDuration, formatExact, queueHref } from './format';
import { useLiveEvents } from './use-live-events';
import { LiveIndicator } from './live-indicator';
import { SortHeader } from './sort-header';
import { useLiveState } from './live-store';
import { pauseAllQueuesAction, resumeAllQueuesAction } from '@/app/actions';
import { useRunAction } from '@/components/ui/use-run-action';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useState } from 'react';
import { Sparkline } from '@/components/metrics/sparkline';
import { DeadLetterLine, DeadLetterQueueBadge, useDeadLetterSummaries, type DeadLetterSummaries } from '@/components/dlq/dead-letter-badge';
import { queryKeys } from '@/components/query-keys';

type Column = {
  key: string;
  label: string;
  title?: string;
  value: (q: OverviewQueue, now: number) => number;
  state?: string;
  /** container-width class that shows the column; none: always shown (the signals come first) */
  show?: string;
};

// Ordered by what an operator needs first. Narrow boxes drop the later, lower-priority columns (a
// container query each, so the collapsed or expanded sidebar counts) instead of overflowing.
const COLUMNS: Column[] = [
  { key: 'waiting', label: 'Waiting', title: 'Waiting and prioritized jobs', value: (q) => q.counts.waiting + q.counts.prioritized, state: 'waiting' },
  { key: 'failed', label: 'Failed', title: 'Failed jobs kept (a lifetime total: recent failures show under Health)', value: (q) => q.counts.failed, state: 'failed' },
  { key: 'workers', label: 'Workers', value: (q) => q.workers },
  { key: 'oldest', label: 'Oldest wait', title: 'Age of the oldest waiting job', value: (q, now) => (q.oldestWaitingAt && q.counts.waiting + q.counts.prioritized > 0 ? now - q.oldestWaitingAt : -1) },
  { key: 'active', label: 'Active', value: (q) => q.counts.active, state: 'active', show: 'hidden @[60rem]:table-cell' },
  { key: 'delayed', label: 'Delayed', value: (q) => q.counts.delayed, state: 'delayed', show: 'hidden @[66rem]:table-cell' },
  { key: 'done1h', label: 'Done/1h', title: 'Completed in the last hour (BullMQ metrics)', value: (q) => q.completed.lastHour, show: 'hidden @[74rem]:table-cell' },
  { key: 'completed', label: 'Completed', title: 'Completed jobs kept', value: (q) => q.counts.completed, state: 'completed', show: 'hidden @[81rem]:table-cell' },
  { key: 'failed1h', label: 'Failed/1h', title: 'Failed in the last hour (BullMQ metrics)', value: (q) => q.failed.lastHour, show: 'hidden @[88rem]:table-cell' },
  { key: 'waiting-children', label: 'Children', title: 'Waiting for children', value: (q) => q.counts['waiting-children'], state: 'waiting-children', show: 'hidden @[94rem]:table-cell' },
];
/** The sparkline column: wide boxes only. */
const TREND_SHOW = 'hidden @[54rem]:table-cell';
const CELL = 'px-2 @[60rem]:px-3';

const HEALTH_TONE: Record<QueueHealth['level'], string> = {
  'no-workers': 'text-amber-700 dark:text-amber-400',
  'old-wait': 'text-amber-700 dark:text-amber-400',
  failing: 'text-red-600 dark:text-red-400',
  ok: 'text-zinc-500 dark:text-zinc-400',
};

export function OverviewView({ initial, canAct }: { initial: Overview; canAct: boolean }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const params = useSearchParams();
  const { status } = useLiveState();
  const now = useNow() ?? initial.generatedAt;
  const { data, refetch, isFetching } = useQuery({
    queryKey: queryKeys.overview(),
    queryFn: () => fetchJson<Overview>('/api/v1/queues'),
    initialData: initial,
    // The SSE stream pushes snapshots; poll only while it is down.
    refetchInterval: status === 'live' || status === 'paused' ? false : 10_000,
  });
  useLiveEvents({ overview: true }, (event) => {
    if (event.type === 'overview') queryClient.setQueryData(queryKeys.overview(), event.overview);
  });

  // Filter and sort are read only here: they change the URL in place, without rendering the page again.
  const filterInput = useUrlTextFilter('q');
  const filter = filterInput.value;
  // The default order is "needs attention" (most urgent first, shown as descending); any other column can be chosen.
  const sort = params.get('sort') ?? 'attention';
  const dir = (params.get('dir') === 'asc' ? 'asc' : params.get('dir') === 'desc' ? 'desc' : sort === 'name' ? 'asc' : 'desc') as 'asc' | 'desc';
  const onSort = (column: string) => replaceSearchParams({ sort: column, dir: sort === column ? (dir === 'asc' ? 'desc' : 'asc') : column === 'name' ? 'asc' : 'desc' });
  const connFilter = params.get('conn') ?? '';

  const rows = useMemo(() => {
    const all = data.connections
      .filter((c) => !connFilter || c.name === connFilter)
      .flatMap((c) => c.queues.map((q) => ({ ...q, deadLetterQueue: q.name === c.deadLetterQueue })));
    // Queue names only: the connection has its own selector.
    const needle = filter.trim().toLowerCase();
    const filtered = needle ? all.filter((q) => q.name.toLowerCase().includes(needle)) : all;
    const column = COLUMNS.find((c) => c.key === sort);
    const sign = dir === 'asc' ? 1 : -1;
    return [...filtered]
      .sort((a, b) => {
        if (sort === 'attention') return -sign * compareAttention(a, b, now);
        if (!column) return sign * `${a.connection}/${a.name}`.localeCompare(`${b.connection}/${b.name}`);
        return sign * (column.value(a, now) - column.value(b, now)) || a.name.localeCompare(b.name);
      })
      .map((q) => ({ ...q, health: queueHealth(q, now) }));
  }, [data, filter, connFilter, sort, dir, now]);

  // Queue links here and in the sidebar do not prefetch: a row per queue (and a link per count) would
  // have every page load render dozens of queue pages on the server and parse them in the browser.
  const totalQueues = data.connections.reduce((n, c) => n + c.queues.length, 0);
  const deadLetters = useDeadLetterSummaries(data.connections.map((c) => c.name));

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Overview</h1>
        <LiveIndicator />
        <div className="ml-auto flex items-center gap-2">
          {data.connections.length > 1 && (
            <Select aria-label="Connection" className="h-8 w-40" value={connFilter} onChange={(e) => replaceSearchParams({ conn: e.target.value })}>
              <option value="">All connections</option>
              {data.connections.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </Select>
          )}
          <Input
            aria-label="Filter queues"
            placeholder="Filter queues…"
            className="h-8 w-48 md:w-64"
            value={filterInput.value}
            onChange={(e) => filterInput.onChange(e.target.value)}
          />
          <Button
            size="sm"
            disabled={isFetching}
            onClick={async () => {
              await fetchJson('/api/v1/queues?refresh=1').then((fresh) => queryClient.setQueryData(queryKeys.overview(), fresh));
              router.refresh();
              await refetch();
            }}
          >
            Rediscover
          </Button>
        </div>
      </div>

      <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
        {data.connections.map((c) => (
          <ConnectionCard key={c.name} connection={c} canAct={canAct && !c.readOnly} deadLetters={deadLetters} />
        ))}
      </div>

      {totalQueues === 0 ? (
        <EmptyState title="No queues yet">
          Queues appear here as soon as a producer adds a job (Drover finds them from their <code>&lt;prefix&gt;:*:meta</code> keys). With the embedded
          Redis, <code className="font-mono">npm run seed</code> adds demo traffic; or list queues under <code>queues</code> in drover.config.json.
        </EmptyState>
      ) : (
        <div className="@container">
          <div className="overflow-x-auto rounded-md border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
            <table className="w-full border-collapse text-left text-sm" data-testid="overview-table">
              <thead className="bg-zinc-50 text-xs text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
                <tr>
                  <SortHeader label="Queue" column="name" sort={sort} dir={dir} onSort={onSort} className={cn(CELL, 'sticky left-0 z-10 bg-zinc-50 dark:bg-zinc-900')} />
                  <SortHeader label="Health" title="What needs attention first: no workers while jobs wait, a long wait, failures in the last 15 minutes" column="attention" sort={sort} dir={dir} onSort={onSort} className={CELL} />
                  {COLUMNS.slice(0, 4).map((col) => (
                    <SortHeader key={col.key} label={col.label} title={col.title} column={col.key} sort={sort} dir={dir} onSort={onSort} className={cn(CELL, 'text-right', col.show)} />
                  ))}
                  <th className={cn(CELL, 'py-2 font-medium whitespace-nowrap uppercase', TREND_SHOW)} title="Completed per minute over the last hour (BullMQ metrics)">
                    Last hour
                  </th>
                  {COLUMNS.slice(4).map((col) => (
                    <SortHeader key={col.key} label={col.label} title={col.title} column={col.key} sort={sort} dir={dir} onSort={onSort} className={cn(CELL, 'text-right', col.show)} />
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {rows.map((q) => (
                  <tr key={`${q.connection}/${q.name}`} className="group hover:bg-zinc-50 dark:hover:bg-zinc-900">
                    <td className={cn(CELL, 'sticky left-0 z-[1] max-w-[16rem] bg-white py-1.5 group-hover:bg-zinc-50 dark:bg-zinc-950 dark:group-hover:bg-zinc-900')}>
                      <div className="flex items-center gap-1.5 whitespace-nowrap">
                        <Link href={queueHref(q.connection, q.name)} prefetch={false} title={q.name} className="truncate font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                          {q.name}
                        </Link>
                        {data.connections.length > 1 && <span className="text-xs text-zinc-400">{q.connection}</span>}
                        {q.paused && <Badge tone="amber">paused</Badge>}
                        {q.workers === 0 && !q.deadLetterQueue && q.counts.waiting + q.counts.prioritized + q.counts.delayed > 0 && (
                          <Badge tone={q.paused || q.counts.waiting + q.counts.prioritized === 0 ? 'neutral' : 'amber'} title="No worker is connected to this queue">
                            No workers
                          </Badge>
                        )}
                        {deadLetters[q.connection]?.deadLetterQueue === q.name && <DeadLetterQueueBadge />}
                        {!q.exists && <Badge title="Named in the config, no keys in Redis yet">empty</Badge>}
                      </div>
                      <StateBar counts={q.counts} />
                    </td>
                    <td className={cn(CELL, 'min-w-[8rem] py-1.5 text-[13px]')}>
                      <span data-testid="queue-health" className={HEALTH_TONE[q.health.level]}>
                        {q.health.text}
                      </span>
                    </td>
                    {COLUMNS.slice(0, 4).map((col) => (
                      <ValueCell key={col.key} col={col} q={q} now={now} />
                    ))}
                    <td className={cn(CELL, 'py-1 text-zinc-400', TREND_SHOW)}>
                      <Sparkline series={q.completedSeries} label={`${q.name} completed per minute`} />
                    </td>
                    {COLUMNS.slice(4).map((col) => (
                      <ValueCell key={col.key} col={col} q={q} now={now} />
                    ))}
                  </tr>
                ))}
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={COLUMNS.length + 3} className="px-3 py-6 text-center text-sm text-zinc-500">
                      No queue matches “{filter}”.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
      <p className="text-xs text-zinc-500">
        Throughput comes from BullMQ metrics, recorded only by workers started with the <code>metrics</code> option (Drover’s bundled workers do).
      </p>
    </div>
  );
}

function ValueCell({ col, q, now }: { col: Column; q: OverviewQueue; now: number }) {
  const value = col.value(q, now);
  const text = col.key === 'oldest' ? (value < 0 ? '—' : formatDuration(value)) : formatCount(value);
  const cell = <span title={col.key === 'oldest' ? undefined : formatExact(value)}>{text}</span>;
  return (
    <td
      data-col={col.key}
      className={cn(
        CELL,
        'py-1.5 text-right font-mono text-[13px] whitespace-nowrap tabular-nums',
        col.show,
        // Workers are the one count whose zero is an alarm (jobs wait and nobody takes them).
        col.key === 'workers' && value === 0 && q.counts.waiting + q.counts.prioritized > 0 && !q.paused ? 'text-amber-600' : (value === 0 || value < 0) && 'text-zinc-400',
      )}
    >
      {col.state ? (
        <Link href={queueHref(q.connection, q.name, { state: col.state })} prefetch={false} className="hover:underline">
          {cell}
        </Link>
      ) : (
        cell
      )}
    </td>
  );
}

function ConnectionCard({ connection: c, canAct, deadLetters }: { connection: OverviewConnection; canAct: boolean; deadLetters: DeadLetterSummaries }) {
  const { run, pending } = useRunAction();
  const [confirm, setConfirm] = useState<null | boolean>(null);
  return (
    <section aria-label={`Connection ${c.name}`} className="rounded-md border border-zinc-200 bg-white p-3 text-sm dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex items-center gap-2">
        <h2 className="font-semibold">{c.name}</h2>
        <span className="font-mono text-xs text-zinc-500">{c.endpoint}</span>
        {c.readOnly && <Badge>read-only</Badge>}
        <span className="ml-auto">{c.error ? <Badge tone="red">unreachable</Badge> : <Badge tone="green">up</Badge>}</span>
      </div>
      {c.error ? (
        <p className="mt-2 text-xs text-red-600 dark:text-red-400">
          {c.error}
          {c.staleSince && <> Showing the counts read <RelativeTime ms={c.staleSince} />.</>}
        </p>
      ) : (
        c.redis && (
          <dl className="mt-2 grid grid-cols-4 gap-2 text-xs">
            <div>
              <dt className="text-zinc-500">Redis</dt>
              <dd className="font-mono">{c.redis.version}</dd>
            </div>
            <div>
              <dt className="text-zinc-500">Memory</dt>
              <dd className="font-mono">{c.redis.usedMemoryHuman}</dd>
            </div>
            <div>
              <dt className="text-zinc-500">Clients</dt>
              <dd className="font-mono">{c.redis.connectedClients}</dd>
            </div>
            <div>
              <dt className="text-zinc-500">Queues</dt>
              <dd className="font-mono">
                {c.queues.length}
                {!c.discoveryComplete && '+'}
              </dd>
            </div>
          </dl>
        )
      )}
      {c.redis?.warnings.map((w) => (
        <p key={w} role="alert" className="mt-2 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          {w}
        </p>
      ))}
      <div className="mt-1 flex items-center gap-2">
        <p className="text-[11px] text-zinc-400">prefix {c.prefix}</p>
        <DeadLetterLine conn={c.name} summary={deadLetters[c.name]} />
        {canAct && !c.error && c.queues.length > 0 && (
          <span className="ml-auto flex gap-1">
            <Button size="sm" variant="ghost" disabled={pending} onClick={() => setConfirm(true)}>
              Pause all
            </Button>
            <Button size="sm" variant="ghost" disabled={pending} onClick={() => setConfirm(false)}>
              Resume all
            </Button>
          </span>
        )}
      </div>
      <ConfirmDialog
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={`${confirm ? 'Pause' : 'Resume'} every queue on ${c.name}`}
        confirmLabel={`${confirm ? 'Pause' : 'Resume'} ${c.queues.length} queues`}
        danger={Boolean(confirm)}
        busy={pending}
        onConfirm={() => run(() => (confirm ? pauseAllQueuesAction : resumeAllQueuesAction)({ params: { conn: c.name } }), { onDone: () => setConfirm(null) })}
      >
        <p>
          {confirm
            ? `Workers stop taking new jobs from all ${c.queues.length} queues of ${c.name} (running jobs finish). The dead-letter queue is left alone.`
            : `Workers take jobs again from all ${c.queues.length} queues of ${c.name}.`}
        </p>
      </ConfirmDialog>
    </section>
  );
}

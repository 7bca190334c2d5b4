'use client';
import { useMemo, useState } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { functionalUpdate, useTable, type SortingState, type Updater } from '@tanstack/react-table';
import type { Overview, OverviewConnection } from '@/lib/queues/get-overview';
import { Badge } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Select } from '@/components/ui/input';
import { queueHealth } from '@/lib/queues/queue-health';
import { cn } from '@/components/ui/cn';
import { useNow } from '@/components/ui/use-now';
import { replaceSearchParams, useUrlTextFilter } from '@/components/ui/url-query';
import { useStoredColumnVisibility } from '@/components/ui/use-stored-column-visibility';
import { ColumnFitStyle, fitColumnsOf, type DenseColumnMeta } from '@/components/ui/dense-table';
import { ColumnsMenu } from '@/components/ui/columns-menu';
import { fetchJson } from './api-client';
import { useLiveEvents } from './use-live-events';
import { LiveIndicator } from './live-indicator';
import { SortHeader } from './sort-header';
import { useLiveState } from './live-store';
import { CELL, OVERVIEW_COLUMNS, OVERVIEW_PINNING, overviewFeatures, type OverviewRow } from './overview-columns';
import { pauseAllQueuesAction, resumeAllQueuesAction } from '@/app/actions';
import { useRunAction } from '@/components/ui/use-run-action';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { DeadLetterLine, useDeadLetterSummaries, type DeadLetterSummaries } from '@/components/dlq/dead-letter-badge';
import { queryKeys } from '@/components/query-keys';

/** The columns this user hid on the overview, remembered in this browser. */
const hiddenColumnsKey = (userKey: string) => `drover.overview-columns.${userKey}`;

/** `canActOn`: connections whose every queue the user may pause and resume (operator on all of them). */
export function OverviewView({ initial, initialDeadLetters, canActOn, userKey }: { initial: Overview; initialDeadLetters?: DeadLetterSummaries; canActOn: Record<string, boolean>; userKey: string }) {
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
  const sorting = useMemo<SortingState>(() => [{ id: sort, desc: dir === 'desc' }], [sort, dir]);
  const onSortingChange = (updater: Updater<SortingState>) => {
    const [next] = functionalUpdate(updater, sorting);
    if (next) replaceSearchParams({ sort: next.id, dir: next.desc ? 'desc' : 'asc' });
  };
  const connFilter = params.get('conn') ?? '';

  const { columnVisibility, onColumnVisibilityChange, showAll } = useStoredColumnVisibility(hiddenColumnsKey(userKey));

  // The rows in a stable order (connection, then name: the tie-break of every sort), each judged once.
  const rows = useMemo<OverviewRow[]>(() => {
    const all = data.connections
      .filter((c) => !connFilter || c.name === connFilter)
      .flatMap((c) => c.queues.map((q) => ({ ...q, deadLetterQueue: q.name === c.deadLetterQueue })));
    // Queue names only: the connection has its own selector.
    const needle = filter.trim().toLowerCase();
    const filtered = needle ? all.filter((q) => q.name.toLowerCase().includes(needle)) : all;
    return filtered
      .sort((a, b) => a.connection.localeCompare(b.connection) || a.name.localeCompare(b.name))
      .map((q) => {
        const waiting = q.counts.waiting + q.counts.prioritized;
        return { ...q, health: queueHealth(q, now), oldestWaitMs: q.oldestWaitingAt && waiting > 0 ? now - q.oldestWaitingAt : -1 };
      });
  }, [data, filter, connFilter, now]);

  // Queue links here and in the sidebar do not prefetch: a row per queue (and a link per count) would
  // have every page load render dozens of queue pages on the server and parse them in the browser.
  const totalQueues = data.connections.reduce((n, c) => n + c.queues.length, 0);
  const deadLetters = useDeadLetterSummaries(data.connections.map((c) => c.name), initialDeadLetters);
  const meta = useMemo(() => ({ multiConn: data.connections.length > 1, deadLetters }), [data.connections.length, deadLetters]);

  const table = useTable({
    features: overviewFeatures,
    columns: OVERVIEW_COLUMNS,
    data: rows,
    getRowId: (q) => `${q.connection}/${q.name}`,
    meta,
    state: { sorting, columnVisibility, columnPinning: OVERVIEW_PINNING },
    onSortingChange,
    onColumnVisibilityChange,
    enableSortingRemoval: false,
    enableMultiSort: false,
  });
  const visibleColumns = table.getVisibleLeafColumns();

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
          <ColumnsMenu
            note="Columns further right show as the table has room; hiding one gives its room to the next."
            columns={table
              .getAllLeafColumns()
              .filter((column) => column.getCanHide())
              .map((column) => ({
                id: column.id,
                label: (column.columnDef.meta as DenseColumnMeta<OverviewRow>).label,
                visible: column.getIsVisible(),
                setVisible: (visible) => column.toggleVisibility(visible),
              }))}
            onReset={showAll}
          />
        </div>
      </div>

      <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
        {data.connections.map((c) => (
          <ConnectionCard key={c.name} connection={c} canAct={Boolean(canActOn[c.name]) && !c.readOnly} deadLetters={deadLetters} />
        ))}
      </div>

      {totalQueues === 0 ? (
        <EmptyState title="No queues yet">
          Queues appear here as soon as a producer adds a job (Drover finds them from their <code>&lt;prefix&gt;:*:meta</code> keys). With the embedded
          Redis, <code className="font-mono">npm run seed</code> adds demo traffic; or list queues under <code>queues</code> in drover.config.json.
        </EmptyState>
      ) : (
        <div className="@container">
          <ColumnFitStyle scope="overview" columns={fitColumnsOf(visibleColumns)} />
          <div className="overflow-x-auto rounded-md border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
            <table className="w-full border-collapse text-left text-sm" data-testid="overview-table" data-fit="overview">
              <thead className="bg-zinc-50 text-xs text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
                <tr>
                  {table.getLeafHeaders().filter((h) => h.column.getIsVisible()).map((header) => {
                    const { column } = header;
                    const m = column.columnDef.meta as DenseColumnMeta<OverviewRow>;
                    const className = cn(CELL, m.headerClassName, column.getIsPinned() === 'start' && 'sticky left-0 z-10 bg-zinc-50 dark:bg-zinc-900');
                    return column.getCanSort() ? (
                      <SortHeader key={header.id} column={column.id} label={m.label} title={m.title} sorted={column.getIsSorted()} onSort={() => column.toggleSorting()} className={className} />
                    ) : (
                      <th key={header.id} scope="col" data-col={column.id} title={m.title} className={className}>
                        {m.label}
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {table.getRowModel().rows.map((row) => (
                  <tr
                    key={row.id}
                    data-objective={row.original.health.objective ?? undefined}
                    className={cn(
                      'group hover:bg-zinc-50 dark:hover:bg-zinc-900',
                      // A queue against its objectives: red when one is missed, amber when one is close.
                      row.original.health.objective === 'breach' && 'bg-red-50 dark:bg-red-950/40',
                      row.original.health.objective === 'warn' && 'bg-amber-50 dark:bg-amber-950/30',
                    )}
                  >
                    {row.getVisibleCells().map((cell) => {
                      const { column } = cell;
                      const m = column.columnDef.meta as DenseColumnMeta<OverviewRow>;
                      return (
                        <td
                          key={cell.id}
                          data-col={column.id}
                          className={cn(
                            CELL,
                            typeof m.cellClassName === 'function' ? m.cellClassName(row.original, cell.getValue()) : m.cellClassName,
                            column.getIsPinned() === 'start' && 'sticky left-0 z-[1] bg-white group-hover:bg-zinc-50 dark:bg-zinc-950 dark:group-hover:bg-zinc-900',
                          )}
                        >
                          <table.FlexRender cell={cell} />
                        </td>
                      );
                    })}
                  </tr>
                ))}
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={visibleColumns.length} className="px-3 py-6 text-center text-sm text-zinc-500">
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

'use client';
// The dead-letter page of one connection: totals and counts by origin queue, failures grouped by error,
// the filtered table of dead letters, and requeue / purge / export of a selection or of every match.
import { Link } from '@/components/ui/link';
import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { DeadLetterPage } from '@/lib/dlq/list-dead-letters';
import type { ErrorGroups } from '@/lib/dlq/list-error-groups';
import type { DeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { fetchJson } from '@/components/explorer/api-client';
import { formatExact, jobHref, queueHref } from '@/components/explorer/format';
import { Pagination } from '@/components/explorer/pagination';
import { RelativeTime } from '@/components/ui/relative-time';
import { EmptyState } from '@/components/ui/empty-state';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input, Label, Select } from '@/components/ui/input';
import { cn } from '@/components/ui/cn';
import { fromLocalInput, toLocalInput } from '@/components/ui/local-datetime';
import { useKeyedSelection } from '@/components/ui/use-keyed-selection';
import { apiDlqPath, deadLetterHref, deadLetterSearch, dlqHref, filterOf, type DeadLetterQuery } from './format';
import { DeadLetterBulkActions } from './dead-letter-bulk-actions';
import { queryKeys } from '@/components/query-keys';

export type DeadLettersViewProps = {
  conn: string;
  connections: string[];
  query: DeadLetterQuery & { page: number; size: number };
  initialPage: DeadLetterPage;
  initialGroups: ErrorGroups;
  initialSummary: DeadLetterSummary;
  /** operator or admin on a writable connection */
  canRequeue: boolean;
  /** admin on a writable connection */
  canPurge: boolean;
};

export function DeadLettersView({ conn, connections, query, initialPage, initialGroups, initialSummary, canRequeue, canPurge }: DeadLettersViewProps) {
  const router = useRouter();
  const search = deadLetterSearch(query);
  const { data: page } = useQuery({
    queryKey: queryKeys.deadLetterPage(conn, search),
    queryFn: () => fetchJson<DeadLetterPage>(`${apiDlqPath(conn)}?${search}`),
    initialData: initialPage,
    refetchInterval: 15_000,
  });
  const { data: groups } = useQuery({
    queryKey: queryKeys.deadLetterGroups(conn),
    queryFn: () => fetchJson<ErrorGroups>(`${apiDlqPath(conn)}/groups`),
    initialData: initialGroups,
    refetchInterval: 15_000,
  });
  const { data: summary } = useQuery({
    queryKey: queryKeys.deadLetterSummary(conn),
    queryFn: () => fetchJson<DeadLetterSummary>(`${apiDlqPath(conn)}/summary`),
    initialData: initialSummary,
    refetchInterval: 15_000,
  });
  // Keyed on the query string: any link or navigation to another page or filter starts with nothing selected.
  const { selected, toggle, replace: replaceSelection, clear: clearSelection } = useKeyedSelection(search);
  const filter = filterOf(query);
  const filtered = Object.keys(filter).length > 0;
  const activeGroup = query.group ? groups.groups.find((g) => g.id === query.group) : undefined;
  const go = (next: DeadLetterQuery) => {
    clearSelection();
    router.push(dlqHref(conn, next));
  };

  const onFilter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    go({ group: query.group, queue: text('queue'), name: text('name'), q: text('q'), from: fromLocalInput(String(form.get('from') ?? '')), to: fromLocalInput(String(form.get('to') ?? '')), size: query.size });
  };

  const rows = page.rows;
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Dead letters</h1>
        {connections.length > 1 ? (
          <Select aria-label="Connection" className="h-8 w-48" value={conn} onChange={(e) => router.push(dlqHref(e.target.value))}>
            {connections.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        ) : (
          <span className="text-sm text-zinc-500">{conn}</span>
        )}
        {summary.store === 'postgres' ? (
          <span className="text-sm text-zinc-500" title="Dead letters of a PostgreSQL connection are rows of Drover's own schema in the same database">
            {summary.deadLetterQueue} in <span className="font-mono">drover.dead_letter</span>
          </span>
        ) : (
          <span className="text-sm text-zinc-500">
            queue{' '}
            <Link className="font-mono text-indigo-700 hover:underline dark:text-indigo-400" href={queueHref(conn, summary.deadLetterQueue, { state: 'failed' })}>
              {summary.deadLetterQueue}
            </Link>
          </span>
        )}
        <a
          className="ml-auto rounded-md border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
          href={`${apiDlqPath(conn)}/export${deadLetterSearch(filter) ? `?${deadLetterSearch(filter)}` : ''}`}
          download
        >
          Export {filtered ? 'matching' : 'all'} (NDJSON)
        </a>
      </div>

      <dl className="grid grid-cols-2 gap-3 rounded-md border border-zinc-200 p-3 text-sm sm:grid-cols-4 dark:border-zinc-800">
        <div>
          <dt className="text-xs text-zinc-500">Dead letters</dt>
          <dd className="font-mono text-lg" data-testid="dlq-total">
            {formatExact(summary.total)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500">Error groups</dt>
          <dd className="font-mono text-lg">{formatExact(groups.groupCount)}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500" title="Counters since the DLQ began: they only grow">
            Captured / requeued / purged / expired
          </dt>
          <dd className="font-mono" title={summary.stats ? undefined : 'These counters cover the whole dead-letter queue, so only callers who see every queue of the connection get them'}>
            {summary.stats
              ? `${formatExact(summary.stats.captured)} / ${formatExact(summary.stats.requeued)} / ${formatExact(summary.stats.purged)} / ${formatExact(summary.stats.expired)}`
              : '—'}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500">Retention</dt>
          <dd>
            {summary.retention.maxAgeDays} days, at most {formatExact(summary.retention.maxCount)}
          </dd>
        </div>
      </dl>

      {summary.queues.length > 0 && (
        <section aria-label="By origin queue" className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-xs text-zinc-500">By origin queue:</span>
          {summary.queues.map((q) => (
            <Link
              key={q.queue}
              href={dlqHref(conn, { ...filter, queue: q.queue === query.queue ? undefined : q.queue })}
              className={cn(
                'rounded-full border px-2 py-0.5 text-xs',
                q.queue === query.queue ? 'border-indigo-500 bg-indigo-50 dark:bg-indigo-950' : 'border-zinc-300 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800',
              )}
            >
              {q.queue} <span className="font-mono text-zinc-500">{formatExact(q.count)}</span>
            </Link>
          ))}
        </section>
      )}

      <section aria-label="Error groups" className="rounded-md border border-zinc-200 dark:border-zinc-800">
        <header className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <h2 className="text-sm font-semibold">Failures by error</h2>
          <span className="text-xs text-zinc-500">numbers, ids, paths, URLs, addresses and quoted values masked</span>
        </header>
        {groups.regrouping && (
          <p role="status" className="border-b border-zinc-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 dark:border-zinc-800 dark:bg-amber-950 dark:text-amber-200" data-testid="dlq-regrouping">
            Dead letters captured before the grouping rules changed are still being moved to their current groups: until that ends, some failures
            show in two groups.
          </p>
        )}
        {groups.partial && (
          <p role="status" className="border-b border-zinc-200 px-3 py-1.5 text-xs text-zinc-500 dark:border-zinc-800" data-testid="dlq-groups-partial">
            Counted over the newest 100,000 dead letters of the queues you can see.
          </p>
        )}
        {groups.groups.length === 0 ? (
          <p className="px-3 py-4 text-sm text-zinc-500">No dead letters.</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="dlq-groups">
            <thead className="text-xs text-zinc-500">
              <tr>
                <th className="px-3 py-1.5 text-right font-medium">Count</th>
                <th className="px-3 py-1.5 font-medium">Error</th>
                <th className="px-3 py-1.5 font-medium">First seen</th>
                <th className="px-3 py-1.5 font-medium">Last seen</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {groups.groups.map((g) => (
                <tr key={g.id} className={cn('align-top', g.id === query.group && 'bg-indigo-50/60 dark:bg-indigo-950/30')}>
                  <td className="px-3 py-1.5 text-right font-mono whitespace-nowrap">{formatExact(g.count)} ×</td>
                  <td className="px-3 py-1.5">
                    <Link href={dlqHref(conn, { group: g.id })} className="font-mono text-xs break-all text-indigo-700 hover:underline dark:text-indigo-400" title={g.sample}>
                      {g.pattern}
                    </Link>
                  </td>
                  <td className="px-3 py-1.5 text-xs whitespace-nowrap">
                    <RelativeTime ms={g.firstSeen} />
                  </td>
                  <td className="px-3 py-1.5 text-xs whitespace-nowrap">
                    <RelativeTime ms={g.lastSeen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {groups.groupCount > groups.groups.length && (
          <p className="border-t border-zinc-200 px-3 py-1.5 text-xs text-zinc-500 dark:border-zinc-800">
            The {groups.groups.length} biggest of {formatExact(groups.groupCount)} groups.
          </p>
        )}
      </section>

      <form aria-label="Filter dead letters" onSubmit={onFilter} className="flex flex-wrap items-end gap-3" key={search}>
        <div>
          <Label htmlFor="dlq-queue">Origin queue</Label>
          <Select id="dlq-queue" name="queue" defaultValue={query.queue ?? ''} className="w-44">
            <option value="">any</option>
            {summary.queues.map((q) => (
              <option key={q.queue} value={q.queue}>
                {q.queue}
              </option>
            ))}
            {query.queue && !summary.queues.some((q) => q.queue === query.queue) && <option value={query.queue}>{query.queue}</option>}
          </Select>
        </div>
        <div>
          <Label htmlFor="dlq-name">Job name</Label>
          <Input id="dlq-name" name="name" defaultValue={query.name ?? ''} placeholder="exact name" className="w-40" />
        </div>
        <div>
          <Label htmlFor="dlq-q">Search</Label>
          <Input id="dlq-q" name="q" defaultValue={query.q ?? ''} placeholder="id, error or data text" className="w-56" />
        </div>
        <div>
          <Label htmlFor="dlq-from">Failed from</Label>
          <Input id="dlq-from" name="from" type="datetime-local" defaultValue={toLocalInput(query.from)} className="w-52" />
        </div>
        <div>
          <Label htmlFor="dlq-to">Failed until</Label>
          <Input id="dlq-to" name="to" type="datetime-local" defaultValue={toLocalInput(query.to)} className="w-52" />
        </div>
        <Button type="submit" variant="primary">
          Filter
        </Button>
        {filtered && (
          <Button type="button" variant="ghost" onClick={() => go({ size: query.size })}>
            Clear
          </Button>
        )}
      </form>

      {query.group && (
        <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="dlq-active-group">
          <span className="text-xs text-zinc-500">Error group:</span>
          <span className="font-mono text-xs break-all">{activeGroup?.pattern ?? query.group}</span>
          <Button size="sm" variant="ghost" onClick={() => go({ ...filter, group: undefined, size: query.size })} aria-label="Remove the error group filter">
            ✕
          </Button>
        </p>
      )}

      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-zinc-600 dark:text-zinc-400" data-testid="dlq-matching">
          {page.total === null ? 'Many' : formatExact(page.total)} {filtered ? 'matching' : 'dead letters'}
        </span>
        {(canRequeue || canPurge) && (
          <DeadLetterBulkActions
            conn={conn}
            selectedIds={[...selected]}
            filter={filter}
            matching={page.total}
            canRequeue={canRequeue}
            canPurge={canPurge}
            onDone={clearSelection}
          />
        )}
      </div>

      {rows.length === 0 && query.page === 1 ? (
        <EmptyState title={filtered ? 'No dead letter matches' : 'No dead letters'}>
          {filtered
            ? 'Change or clear the filter.'
            : 'Jobs that fail for good land here: the bundled workers capture them, and "Send to DLQ" on a queue\u2019s failed jobs captures those of other workers.'}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
          <table className="w-full border-collapse text-left text-sm" data-testid="dlq-table">
            <thead className="bg-zinc-50 text-xs text-zinc-500 uppercase dark:bg-zinc-900 dark:text-zinc-400">
              <tr>
                {(canRequeue || canPurge) && (
                  <th className="w-8 px-3 py-2">
                    <input
                      type="checkbox"
                      aria-label="Select all dead letters on this page"
                      checked={allSelected}
                      onChange={(e) => replaceSelection(e.target.checked ? rows.map((r) => r.id) : [])}
                    />
                  </th>
                )}
                <th className="px-3 py-2 font-medium">Failed</th>
                <th className="px-3 py-2 font-medium">Origin</th>
                <th className="px-3 py-2 font-medium">Name</th>
                <th className="px-3 py-2 text-right font-medium">Attempts</th>
                <th className="px-3 py-2 font-medium">Error</th>
                <th className="px-3 py-2 font-medium">
                  <span className="sr-only">Open</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {rows.map((r) => (
                <tr key={r.id} className={cn('hover:bg-zinc-50 dark:hover:bg-zinc-900/60', selected.has(r.id) && 'bg-indigo-50/60 dark:bg-indigo-950/30')}>
                  {(canRequeue || canPurge) && (
                    <td className="px-3 py-1.5">
                      <input
                        type="checkbox"
                        aria-label={`Select dead letter ${r.id}`}
                        checked={selected.has(r.id)}
                        onChange={() => toggle(r.id)}
                      />
                    </td>
                  )}
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    <RelativeTime ms={r.failedAt} />
                  </td>
                  <td className="max-w-56 truncate px-3 py-1.5" title={`${r.queue} #${r.jobId}`}>
                    <Badge>{r.queue}</Badge>{' '}
                    <Link href={jobHref(conn, r.queue, r.jobId)} className="font-mono text-xs text-zinc-600 hover:underline dark:text-zinc-400">
                      #{r.jobId}
                    </Link>
                  </td>
                  <td className="max-w-48 truncate px-3 py-1.5" title={r.name}>
                    {r.name}
                  </td>
                  <td className="px-3 py-1.5 text-right font-mono">{r.attemptsMade}</td>
                  <td className="max-w-[32rem] truncate px-3 py-1.5 font-mono text-xs text-red-700 dark:text-red-400" title={r.failedReason}>
                    {r.failedReason}
                    {r.failedReasonLength > r.failedReason.length && '…'}
                  </td>
                  <td className="px-3 py-1.5 text-right whitespace-nowrap">
                    <Link href={deadLetterHref(conn, r.id)} className="text-xs text-indigo-700 hover:underline dark:text-indigo-400" aria-label={`Open dead letter ${r.id}`}>
                      Open
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={page.page} size={page.size} total={page.total} hasNext={page.hasNext} hrefFor={(p) => dlqHref(conn, { ...query, page: p })} />
    </div>
  );
}

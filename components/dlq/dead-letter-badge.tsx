'use client';
// The DLQ size per connection on the overview: one small summary request per connection, refreshed
// every 15 s (the overview's own data does not know which queue is a connection's DLQ).
import { Link } from '@/components/ui/link';
import { useQueries } from '@tanstack/react-query';
import type { DeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { fetchJson } from '@/components/explorer/api-client';
import { formatExact } from '@/components/explorer/format';
import { Badge } from '@/components/ui/badge';
import { apiDlqPath, dlqHref } from './format';
import { queryKeys } from '@/components/query-keys';
import { useLivePaused } from '@/components/explorer/live-store';

export type DeadLetterSummaries = Record<string, DeadLetterSummary | undefined>;

const REFRESH_MS = 15_000;

/**
 * Dead-letter summaries of the given connections, by connection name (missing while loading or down).
 * `initial` (rendered with the page) is fresh for one refresh interval: hydrating does not ask again.
 */
export function useDeadLetterSummaries(connections: string[], initial: DeadLetterSummaries = {}): DeadLetterSummaries {
  const paused = useLivePaused();
  const results = useQueries({
    queries: connections.map((conn) => ({
      queryKey: queryKeys.deadLetterSummary(conn),
      queryFn: () => fetchJson<DeadLetterSummary>(`${apiDlqPath(conn)}/summary`),
      refetchInterval: paused ? false : REFRESH_MS,
      retry: false,
      ...(initial[conn] ? { initialData: initial[conn], staleTime: REFRESH_MS } : {}),
    })),
  });
  return Object.fromEntries(connections.map((conn, i) => [conn, results[i]?.data]));
}

/** "Dead letters: 3,412" on a connection card, linking to the DLQ page. */
export function DeadLetterLine({ conn, summary }: { conn: string; summary: DeadLetterSummary | undefined }) {
  if (!summary) return null;
  return (
    <Link href={dlqHref(conn)} className="text-[11px] text-zinc-500 hover:underline" data-testid={`dlq-size-${conn}`} title={`Dead-letter queue "${summary.deadLetterQueue}"`}>
      Dead letters: <span className={summary.total > 0 ? 'font-mono text-red-600 dark:text-red-400' : 'font-mono'}>{formatExact(summary.total)}</span>
    </Link>
  );
}

/** Marks the dead-letter queue's row in the overview table. */
export function DeadLetterQueueBadge() {
  return (
    <Badge tone="purple" className="ml-1.5" title="This connection's dead-letter queue: permanently failed jobs kept as envelopes">
      DLQ
    </Badge>
  );
}

'use client';
// Wait and processing time percentiles of the queue and of each job name, from a bounded sample of
// recently completed jobs (the sample size is shown).
import { useQuery } from '@tanstack/react-query';
import type { QueueLatency, LatencyStats } from '@/lib/metrics/latency';
import type { Percentiles } from '@/lib/metrics/percentiles';
import { fetchJson } from '@/components/explorer/api-client';
import { apiQueuePath, formatDuration, formatExact } from '@/components/explorer/format';
import { Table, TBody, THead, Td, Th, Tr } from '@/components/ui/table';
import { RelativeTime } from '@/components/ui/relative-time';
import { queryKeys } from '@/components/query-keys';
import { useLivePaused } from '@/components/explorer/live-store';
import type { QueueObjectives } from '@/lib/objectives/objective';

const LATENCY_REFRESH_MS = 30_000;

function Cells({ p }: { p: Percentiles }) {
  return (
    <>
      {(['p50', 'p95', 'p99'] as const).map((k) => (
        <Td key={k} className="text-right font-mono text-[13px] tabular-nums">
          {formatDuration(p[k])}
        </Td>
      ))}
    </>
  );
}

function Row({ label, stats, testId }: { label: string; stats: LatencyStats; testId?: string }) {
  return (
    <Tr data-testid={testId}>
      <Td className="max-w-64 truncate font-medium" title={label}>
        {label}
      </Td>
      <Td className="text-right font-mono text-[13px] tabular-nums">{formatExact(stats.processing.count)}</Td>
      <Cells p={stats.wait} />
      <Cells p={stats.processing} />
    </Tr>
  );
}

export function LatencyPanel({ conn, queue, objectives = null }: { conn: string; queue: string; objectives?: QueueObjectives | null }) {
  const paused = useLivePaused();
  const { data, error } = useQuery({
    queryKey: queryKeys.queueLatency(conn, queue),
    queryFn: () => fetchJson<QueueLatency>(`${apiQueuePath(conn, queue)}/metrics/latency`),
    refetchInterval: paused ? false : LATENCY_REFRESH_MS,
  });
  return (
    <section aria-label="Latency" data-testid="latency-panel" className="space-y-2">
      <div className="flex flex-wrap items-baseline gap-2">
        <h3 className="text-sm font-medium">Latency</h3>
        <p className="text-xs text-zinc-500">
          Wait = started − created (delays and retries included), processing = finished − started, from the {formatExact(data?.sampleSize ?? 1000)} most recently
          completed jobs
          {data && (
            <>
              {' '}
              ({formatExact(data.sampled)} found{data.oldestFinishedAt ? <>, finished since <RelativeTime ms={data.oldestFinishedAt} /></> : null})
            </>
          )}
          .
        </p>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          Latency could not be loaded: {(error as Error).message}
        </p>
      ) : !data ? (
        <p className="text-sm text-zinc-500">Loading latency…</p>
      ) : data.sampled === 0 ? (
        <p className="text-sm text-zinc-500">No completed jobs kept: latency needs completed jobs (workers may remove them on completion).</p>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Job name</Th>
              <Th className="text-right">Jobs</Th>
              <Th className="text-right">Wait p50</Th>
              <Th className="text-right">p95</Th>
              <Th className="text-right">p99</Th>
              <Th className="text-right">Processing p50</Th>
              <Th className="text-right">p95</Th>
              <Th className="text-right">p99</Th>
            </tr>
          </THead>
          <TBody>
            <Row label="All jobs" stats={data.overall} testId="latency-overall" />
            {data.byName.length > 1 && data.byName.map((n) => <Row key={n.name} label={n.name || '(no name)'} stats={n} />)}
            {objectives && (objectives.waitP95Ms !== undefined || objectives.processingP95Ms !== undefined) && (
              // The queue's p95 objectives under the p95 columns (measured over the objective's window: README › Queue objectives).
              <Tr data-testid="latency-objective" className="text-red-700 dark:text-red-400">
                <Td className="font-medium">Objective ({objectives.windowMinutes} min window)</Td>
                <Td />
                <Td />
                <Td className="text-right font-mono text-[13px] tabular-nums">{objectives.waitP95Ms !== undefined ? `≤ ${formatDuration(objectives.waitP95Ms)}` : '—'}</Td>
                <Td />
                <Td />
                <Td className="text-right font-mono text-[13px] tabular-nums">{objectives.processingP95Ms !== undefined ? `≤ ${formatDuration(objectives.processingP95Ms)}` : '—'}</Td>
                <Td />
              </Tr>
            )}
          </TBody>
        </Table>
      )}
    </section>
  );
}

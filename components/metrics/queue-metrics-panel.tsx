'use client';
// The queue page's collapsible "Metrics" section: throughput, depth by state and failure rate over a
// range kept in the URL (?range=6h), refreshed every 10 s, plus the latency percentiles. Collapsed by
// default so the jobs come first; opening or collapsing it is remembered per signed-in user.
import { useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import type { QueueMetrics } from '@/lib/metrics/queue-metrics';
import { RANGES, type MetricsRange } from '@/lib/metrics/settings';
import { cn } from '@/components/ui/cn';
import { replaceSearchParams } from '@/components/ui/url-query';
import { fetchJson } from '@/components/explorer/api-client';
import { apiQueuePath } from '@/components/explorer/format';
import { useStoredString } from '@/components/ui/use-stored-string';
import { LatencyPanel } from './latency-panel';
import { queryKeys } from '@/components/query-keys';
import { ObjectivesStatusLine, useObjectives } from '@/components/objectives/objectives-dialog';
import { useLivePaused } from '@/components/explorer/live-store';

export const METRICS_REFRESH_MS = 10_000;

// The charts (recharts, ~450 KB of script) load when the section is opened, not with every queue page:
// the section is collapsed by default, and the page's jobs come first.
const Charts = dynamic(() => import('./queue-metrics-charts').then((m) => m.Charts), {
  ssr: false,
  loading: () => <p className="text-sm text-zinc-500">Loading charts…</p>,
});
const RANGE_KEYS = Object.keys(RANGES) as MetricsRange[];

const openKey = (userKey: string) => `drover.queue-metrics-open.${userKey}`;

/** Open or collapsed, as this user last left it on any queue page (localStorage); collapsed at first. */
function useRememberedOpen(userKey: string): [boolean, (open: boolean) => void] {
  const [stored, setStored] = useStoredString(openKey(userKey));
  return [stored === 'open', (open) => setStored(open ? 'open' : 'collapsed')];
}

export function QueueMetricsPanel({ conn, queue, userKey }: { conn: string; queue: string; userKey: string }) {
  const paused = useLivePaused();
  const params = useSearchParams();
  const [open, setOpen] = useRememberedOpen(userKey);
  const requested = params.get('range');
  const range: MetricsRange = RANGE_KEYS.includes(requested as MetricsRange) ? (requested as MetricsRange) : '1h';

  // Only this panel reads the range: the URL changes in place, without rendering the page again.
  const setRange = (next: MetricsRange) => replaceSearchParams({ range: next === '1h' ? null : next });

  const { data, error, isPending } = useQuery({
    queryKey: queryKeys.queueMetrics(conn, queue, range),
    queryFn: () => fetchJson<QueueMetrics>(`${apiQueuePath(conn, queue)}/metrics?range=${range}`),
    refetchInterval: paused ? false : METRICS_REFRESH_MS,
    enabled: open,
  });

  const objectives = useObjectives(conn, queue, open);

  return (
    <section aria-label="Metrics" className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          aria-expanded={open}
          aria-controls="queue-metrics-body"
          onClick={() => setOpen(!open)}
          className="inline-flex items-center gap-1 text-sm font-semibold hover:underline"
        >
          <span aria-hidden className={cn('inline-block transition-transform', open && 'rotate-90')}>
            ▸
          </span>
          Metrics
        </button>
        {open && (
          <div role="group" aria-label="Range" className="ml-2 inline-flex overflow-hidden rounded-md border border-zinc-300 text-xs dark:border-zinc-700">
            {RANGE_KEYS.map((r) => (
              <button
                key={r}
                type="button"
                aria-pressed={r === range}
                onClick={() => setRange(r)}
                className={cn(
                  'px-2 py-1 font-medium',
                  r === range ? 'bg-indigo-600 text-white' : 'bg-white text-zinc-700 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800',
                )}
              >
                {r}
              </button>
            ))}
          </div>
        )}
        {open && data && <span className="text-xs text-zinc-500">updated every {METRICS_REFRESH_MS / 1000} s</span>}
      </div>
      {open && (
        <div id="queue-metrics-body" className="space-y-3">
          {error ? (
            <p role="alert" className="text-sm text-red-600 dark:text-red-400">
              Metrics could not be loaded: {(error as Error).message}
            </p>
          ) : isPending || !data ? (
            <p className="text-sm text-zinc-500">Loading metrics…</p>
          ) : (
            <>
              <ObjectivesStatusLine view={objectives.data} />
              <Charts data={data} objectives={objectives.data?.objectives ?? null} />
            </>
          )}
          <LatencyPanel conn={conn} queue={queue} objectives={objectives.data?.objectives ?? null} />
        </div>
      )}
    </section>
  );
}

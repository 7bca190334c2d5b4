'use client';
// The queue page's collapsible "Metrics" section: throughput, depth by state and failure rate over a
// range kept in the URL (?range=6h), refreshed every 10 s, plus the latency percentiles. Collapsed by
// default so the jobs come first; opening or collapsing it is remembered per signed-in user.
import { useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { QueueMetrics } from '@/lib/metrics/queue-metrics';
import { RANGES, type MetricsRange } from '@/lib/metrics/settings';
import { cn } from '@/components/ui/cn';
import { replaceSearchParams } from '@/components/ui/url-query';
import { fetchJson } from '@/components/explorer/api-client';
import { apiQueuePath, formatExact } from '@/components/explorer/format';
import { RelativeTime } from '@/components/ui/relative-time';
import { useStoredString } from '@/components/ui/use-stored-string';
import { AXIS_PROPS, ChartCard, ChartTooltip, SERIES_COLORS, timeTick } from './chart-kit';
import { sumThroughput, thinDepth } from './downsample';
import { LatencyPanel } from './latency-panel';
import { queryKeys } from '@/components/query-keys';
import { useLivePaused } from '@/components/explorer/live-store';

export const METRICS_REFRESH_MS = 10_000;
const RANGE_KEYS = Object.keys(RANGES) as MetricsRange[];

const DEPTH_SERIES = [
  ['waiting', 'Waiting'],
  ['prioritized', 'Prioritized'],
  ['delayed', 'Delayed'],
  ['active', 'Active'],
  ['waitingChildren', 'Waiting children'],
] as const;

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
            <Charts data={data} />
          )}
          <LatencyPanel conn={conn} queue={queue} />
        </div>
      )}
    </section>
  );
}

function Charts({ data }: { data: QueueMetrics }) {
  const span = data.to - data.from;
  const tick = timeTick(span);
  const throughput = sumThroughput(data.throughput);
  const bucketMinutes = data.throughput.length ? Math.round(data.throughput.length / throughput.length) : 1;
  const per = bucketMinutes > 1 ? `per ${bucketMinutes} min` : 'per minute';
  const depth = thinDepth(data.depth);
  const completed = data.throughput.reduce((n, p) => n + p.completed, 0);
  const failed = data.throughput.reduce((n, p) => n + p.failed, 0);
  const rate = completed + failed ? (failed / (completed + failed)) * 100 : null;
  const latest = data.depth[data.depth.length - 1];
  const domain: [number, number] = [data.from, data.to];
  // Ticks over the whole range (not just where points exist), on whole minutes or hours.
  const step = span > 26 * 3600_000 ? 3600_000 : 60_000;
  const ticks = Array.from({ length: 5 }, (_, i) => Math.round((data.from + (i * span) / 4) / step) * step);
  const xAxis = <XAxis dataKey="t" type="number" scale="time" domain={domain} ticks={ticks} tickFormatter={tick} interval="preserveStartEnd" {...AXIS_PROPS} />;
  const rated = throughput.filter((p) => p.failureRate !== null).length;
  const grid = <CartesianGrid stroke="currentColor" strokeOpacity={0.12} vertical={false} />;

  // A chart with nothing to draw is not drawn: one line says why instead.
  const showThroughput = data.metricsRecorded;
  const showDepth = latest !== undefined;
  const showRate = data.metricsRecorded && rate !== null;
  const missing = [
    !data.metricsRecorded && 'No BullMQ metrics (throughput, failure rate): start workers with the metrics option',
    data.metricsRecorded && rate === null && `No failure rate: no job finished in ${data.range}`,
    !showDepth && 'No depth samples yet: the console records counts every 10 s',
  ].filter((line): line is string => Boolean(line));
  const shown = [showThroughput, showDepth, showRate].filter(Boolean).length;

  return (
    <div className="space-y-2">
      {missing.length > 0 && (
        <p role="note" data-testid="metrics-missing" className="text-xs text-zinc-500">
          {missing.join(' · ')}.
        </p>
      )}
      {shown > 0 && (
        <div className={cn('grid gap-3', shown === 3 ? 'lg:grid-cols-3' : shown === 2 ? 'lg:grid-cols-2' : '')}>
          {showThroughput && (
            <ChartCard
              title={`Throughput ${per}`}
              testId="throughput-chart"
              summary={`${formatExact(completed)} completed · ${formatExact(failed)} failed in ${data.range}`}
            >
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={throughput} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                  {grid}
                  {xAxis}
                  <YAxis allowDecimals={false} {...AXIS_PROPS} />
                  <Tooltip content={<ChartTooltip />} cursor={{ fill: 'currentColor', fillOpacity: 0.06 }} />
                  <Legend wrapperStyle={{ fontSize: 11 }} />
                  <Bar dataKey="completed" name="Completed" stackId="t" fill={SERIES_COLORS.completed} isAnimationActive={false} />
                  <Bar dataKey="failed" name="Failed" stackId="t" fill={SERIES_COLORS.failed} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </ChartCard>
          )}

          {showDepth && (
            <ChartCard
              title="Queue depth by state"
              testId="depth-chart"
              summary={
                <>
                  {formatExact(latest.waiting)} waiting · {formatExact(latest.active)} active · {formatExact(latest.delayed)} delayed at{' '}
                  <RelativeTime ms={latest.t} /> ({data.depth.length} points, every {data.resolutionSeconds} s)
                </>
              }
            >
              <ResponsiveContainer width="100%" height="100%">
                <AreaChart data={depth} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                  {grid}
                  {xAxis}
                  <YAxis allowDecimals={false} {...AXIS_PROPS} />
                  <Tooltip content={<ChartTooltip />} />
                  <Legend wrapperStyle={{ fontSize: 11 }} />
                  {DEPTH_SERIES.map(([key, name]) => (
                    <Area
                      key={key}
                      dataKey={key}
                      name={name}
                      stackId="d"
                      type="stepAfter"
                      stroke={SERIES_COLORS[key]}
                      fill={SERIES_COLORS[key]}
                      fillOpacity={0.35}
                      // A new queue's first samples are single points: show them as dots until there is an area.
                      dot={depth.length < 3 ? { r: 2 } : false}
                      isAnimationActive={false}
                    />
                  ))}
                </AreaChart>
              </ResponsiveContainer>
            </ChartCard>
          )}

          {showRate && (
            <ChartCard title="Failure rate" testId="failure-rate-chart" summary={`${rate.toFixed(1)}% over ${data.range}`}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={throughput} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                  {grid}
                  {xAxis}
                  <YAxis domain={[0, 100]} unit="%" {...AXIS_PROPS} />
                  <Tooltip content={<ChartTooltip unit="%" />} />
                  <Line
                    dataKey="failureRate"
                    name="Failed / finished"
                    stroke={SERIES_COLORS.failureRate}
                    // Minutes without finished jobs have no rate: isolated minutes only show as dots.
                    dot={rated < 60 ? { r: 2 } : false}
                    connectNulls={false}
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </ChartCard>
          )}
        </div>
      )}
    </div>
  );
}

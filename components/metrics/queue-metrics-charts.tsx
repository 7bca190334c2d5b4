'use client';
// The queue page's metrics charts: throughput, depth, failure rate, oldest wait and the measured wait and
// processing p95s over the chosen range, with the queue's objectives drawn as dashed lines (README › Queue objectives). Loaded on
// demand by queue-metrics-panel.tsx (next/dynamic), so recharts is not in every queue page's script.
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { OBJECTIVE_LIMITS, type QueueObjectives } from '@/lib/objectives/objective';
import type { QueueMetrics } from '@/lib/metrics/queue-metrics';
import { cn } from '@/components/ui/cn';
import { formatExact } from '@/components/explorer/format';
import { RelativeTime } from '@/components/ui/relative-time';
import { AXIS_PROPS, ChartCard, ChartTooltip, SERIES_COLORS, timeTick } from './chart-kit';
import { sumThroughput, thinDepth } from './downsample';

const DEPTH_SERIES = [
  ['waiting', 'Waiting'],
  ['prioritized', 'Prioritized'],
  ['delayed', 'Delayed'],
  ['active', 'Active'],
  ['waitingChildren', 'Waiting children'],
] as const;

const P95_SERIES = [
  ['waitP95Ms', 'Wait time p95', 'wait-p95-chart', 'Wait p95'],
  ['processingP95Ms', 'Processing time p95', 'processing-p95-chart', 'Processing p95'],
] as const;

/** A duration for a summary or an objective line: ms under 10 s, else seconds. */
function durationLabel(ms: number): string {
  return ms < 10_000 ? `${formatExact(Math.round(ms))} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

export function Charts({ data, objectives = null }: { data: QueueMetrics; objectives?: QueueObjectives | null }) {
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
  const missing: string[] = [
    !data.metricsRecorded && 'No BullMQ metrics (throughput, failure rate): start workers with the metrics option',
    data.metricsRecorded && rate === null && `No failure rate: no job finished in ${data.range}`,
    !showDepth && 'No depth samples yet: the console records counts every 10 s',
  ].filter((line): line is string => Boolean(line));
  // Points recorded before the oldest wait was sampled have none: the chart shows once some do.
  const waits = depth.filter((p) => p.oldestWaitS !== undefined);
  const showWait = waits.length > 0 && (objectives?.oldestWaitMs !== undefined || waits.some((p) => (p.oldestWaitS ?? 0) > 0));
  // The p95s ride on the samples once the queue has a p95 objective and enough completed jobs: points
  // without one (not measured, or recorded before samples carried them) are gaps in the line, not 0.
  const p95Charts = P95_SERIES.flatMap(([key, title, testId, name]) => {
    const objectiveMs = objectives?.[key];
    const measured = depth.filter((p) => p[key] !== undefined);
    if (measured.length === 0) return [];
    const inSeconds = Math.max(objectiveMs ?? 0, ...measured.map((p) => p[key] ?? 0)) >= 10_000;
    const unit = inSeconds ? ' s' : ' ms';
    const points = depth.map((p) => ({ t: p.t, value: p[key] === undefined ? null : inSeconds ? p[key] / 1000 : p[key] }));
    return [{ key, title, testId, name, objectiveMs, unit, points, inSeconds, measured: measured.length, latestMs: measured[measured.length - 1][key] ?? 0 }];
  });
  const showP95 = new Set(p95Charts.map((c) => c.key));
  for (const [key, , , name] of P95_SERIES) {
    if (objectives?.[key] !== undefined && showDepth && !showP95.has(key)) missing.push(`No ${name} in ${data.range}: measured once at least ${OBJECTIVE_LIMITS.minSamples} jobs completed in the objective's window`);
  }
  const shown = [showThroughput, showDepth, showRate, showWait].filter(Boolean).length + p95Charts.length;
  const objectiveLine = (y: number, label: string) => (
    <ReferenceLine y={y} stroke={SERIES_COLORS.failed} strokeDasharray="4 3" ifOverflow="extendDomain" label={{ value: label, position: 'insideTopRight', fontSize: 10, fill: 'currentColor' }} />
  );

  return (
    <div className="space-y-2">
      {missing.length > 0 && (
        <p role="note" data-testid="metrics-missing" className="text-xs text-zinc-500">
          {missing.join(' · ')}.
        </p>
      )}
      {shown > 0 && (
        <div className={cn('grid gap-3', shown >= 3 ? 'lg:grid-cols-3' : shown === 2 ? 'lg:grid-cols-2' : '')}>
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
                  {objectives?.failureRatePct !== undefined && objectiveLine(objectives.failureRatePct, `objective ${objectives.failureRatePct}%`)}
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

          {showWait && (
            <ChartCard title="Oldest waiting job" testId="oldest-wait-chart" summary={`${formatExact(waits[waits.length - 1].oldestWaitS ?? 0)} s now${objectives?.oldestWaitMs !== undefined ? ` · objective ${objectives.oldestWaitMs / 1000} s` : ''}`}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={waits} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                  {grid}
                  {xAxis}
                  <YAxis allowDecimals={false} unit=" s" {...AXIS_PROPS} />
                  <Tooltip content={<ChartTooltip unit=" s" />} />
                  {objectives?.oldestWaitMs !== undefined && objectiveLine(objectives.oldestWaitMs / 1000, `objective ${objectives.oldestWaitMs / 1000} s`)}
                  <Line dataKey="oldestWaitS" name="Oldest wait" type="stepAfter" stroke={SERIES_COLORS.waiting} dot={waits.length < 3 ? { r: 2 } : false} isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </ChartCard>
          )}

          {p95Charts.map((c) => (
            <ChartCard
              key={c.key}
              title={c.title}
              testId={c.testId}
              summary={`${durationLabel(c.latestMs)} at the last measurement${c.objectiveMs !== undefined ? ` · objective ${durationLabel(c.objectiveMs)}` : ''}`}
            >
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={c.points} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                  {grid}
                  {xAxis}
                  <YAxis allowDecimals={c.inSeconds} unit={c.unit} {...AXIS_PROPS} />
                  <Tooltip content={<ChartTooltip unit={c.unit} />} />
                  {c.objectiveMs !== undefined && objectiveLine(c.inSeconds ? c.objectiveMs / 1000 : c.objectiveMs, `objective ${durationLabel(c.objectiveMs)}`)}
                  <Line
                    dataKey="value"
                    name={c.name}
                    type="stepAfter"
                    stroke={SERIES_COLORS.active}
                    // Samples without a measured p95 are gaps; isolated points only show as dots.
                    dot={c.measured < 3 ? { r: 2 } : false}
                    connectNulls={false}
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </ChartCard>
          ))}
        </div>
      )}
    </div>
  );
}

'use client';
// A tiny line of completed jobs per minute over the last hour, for the overview table. It draws the
// overview payload's own series (no request per row).
import { Line, LineChart, YAxis } from 'recharts';
import { SERIES_COLORS } from './chart-kit';

export function Sparkline({ series, label }: { series: number[]; label: string }) {
  // The payload is newest first; draw oldest → newest.
  const data = series.map((v, i) => ({ i: series.length - 1 - i, v })).reverse();
  const total = series.reduce((a, b) => a + b, 0);
  return (
    <span role="img" aria-label={`${label}: ${total} completed in the last hour`} title={`${total} completed in the last hour`} className="inline-block align-middle" data-testid="sparkline">
      <LineChart width={96} height={22} data={data} margin={{ top: 2, right: 1, bottom: 2, left: 1 }}>
        <YAxis hide domain={[0, (max: number) => Math.max(1, max)]} />
        <Line dataKey="v" stroke={total ? SERIES_COLORS.completed : 'currentColor'} strokeOpacity={total ? 1 : 0.3} strokeWidth={1.5} dot={false} isAnimationActive={false} />
      </LineChart>
    </span>
  );
}

'use client';
// A tiny line of completed jobs per minute over the last hour, for the overview table. It draws the
// overview payload's own series (no request per row) as one SVG polyline: a chart library per row
// (recharts, before) cost tens of milliseconds a row on every render, so an overview of ~70 queues kept
// a busy browser's main thread blocked for seconds at a time. Memoized: the overview re-renders every
// clock tick, a row's series changes only with new data.
import { memo } from 'react';
import { SERIES_COLORS } from './chart-kit';

const WIDTH = 96;
const HEIGHT = 22;
const PAD = 2;

/** SVG points of the series (newest first in the payload), oldest at the left; y grows downwards. */
export function sparklinePoints(series: number[], width = WIDTH, height = HEIGHT, pad = PAD): string {
  const values = [...series].reverse();
  if (values.length === 0) return '';
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (width - 2) / (values.length - 1) : 0;
  return values.map((v, i) => `${(1 + i * step).toFixed(1)},${(height - pad - (Math.max(0, v) / max) * (height - 2 * pad)).toFixed(1)}`).join(' ');
}

export const Sparkline = memo(function Sparkline({ series, label }: { series: number[]; label: string }) {
  const total = series.reduce((a, b) => a + b, 0);
  return (
    <span role="img" aria-label={`${label}: ${total} completed in the last hour`} title={`${total} completed in the last hour`} className="inline-block align-middle" data-testid="sparkline">
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true">
        <polyline
          data-testid="sparkline-line"
          points={sparklinePoints(series)}
          fill="none"
          stroke={total ? SERIES_COLORS.completed : 'currentColor'}
          strokeOpacity={total ? 1 : 0.3}
          strokeWidth={1.5}
          strokeLinejoin="round"
        />
      </svg>
    </span>
  );
});

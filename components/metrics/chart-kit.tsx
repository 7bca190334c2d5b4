'use client';
// Shared look of Drover's charts (recharts): colours per state, time ticks, and a tooltip that follows
// the light/dark theme through Tailwind classes instead of inline colours.
import type { ReactNode } from 'react';

export const SERIES_COLORS = {
  waiting: '#6366f1',
  prioritized: '#8b5cf6',
  delayed: '#f59e0b',
  active: '#0ea5e9',
  waitingChildren: '#a1a1aa',
  completed: '#10b981',
  failed: '#ef4444',
  failureRate: '#f97316',
} as const;

export const AXIS_PROPS = {
  tick: { fill: 'currentColor', fontSize: 11 },
  stroke: 'currentColor',
  strokeOpacity: 0.3,
  tickLine: false,
} as const;

const timeShort = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const timeLong = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const timeFull = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function timeTick(spanMs: number): (t: number) => string {
  return (t) => (spanMs > 26 * 3600_000 ? timeLong : timeShort).format(t);
}

export function formatTime(t: number): string {
  return timeFull.format(t);
}

type TooltipEntry = { name?: string | number; value?: number | string | null; color?: string; dataKey?: string | number };

/** Tooltip body for recharts' `content` prop. */
export function ChartTooltip({
  active,
  payload,
  label,
  unit = '',
}: {
  active?: boolean;
  payload?: readonly TooltipEntry[];
  label?: number | string;
  unit?: string;
}): ReactNode {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md border border-zinc-200 bg-white px-2.5 py-1.5 text-xs shadow-md dark:border-zinc-700 dark:bg-zinc-900">
      <p className="mb-1 font-medium text-zinc-700 dark:text-zinc-200">{typeof label === 'number' ? formatTime(label) : label}</p>
      {payload.map((p) => (
        <p key={String(p.dataKey)} className="flex items-center gap-1.5 text-zinc-600 dark:text-zinc-300">
          <span aria-hidden className="inline-block h-2 w-2 rounded-full" style={{ background: p.color }} />
          {p.name}: <span className="font-mono">{p.value === null || p.value === undefined ? '—' : `${typeof p.value === 'number' ? Number(p.value.toFixed(2)) : p.value}${unit}`}</span>
        </p>
      ))}
    </div>
  );
}

export function ChartCard({ title, summary, testId, children }: { title: string; summary: ReactNode; testId: string; children: ReactNode }) {
  return (
    <figure data-testid={testId} className="min-w-0 rounded-md border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900">
      <figcaption className="mb-2 flex flex-wrap items-baseline gap-x-2 text-sm">
        <span className="font-medium">{title}</span>
        <span data-testid={`${testId}-summary`} className="text-xs text-zinc-500">
          {summary}
        </span>
      </figcaption>
      <div className="h-44 text-zinc-500">{children}</div>
    </figure>
  );
}

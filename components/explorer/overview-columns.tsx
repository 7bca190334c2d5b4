'use client';
// The overview table's columns (TanStack Table): what each cell shows, how the column sorts, how wide it
// is and how soon it gets room in a narrow box. Module constants, so the table keeps its models between
// the clock's ticks.
import { Link } from '@/components/ui/link';
import {
  columnPinningFeature,
  columnVisibilityFeature,
  createColumnHelper,
  createSortedRowModel,
  metaHelper,
  rowSortingFeature,
  tableFeatures,
  type ColumnPinningState,
  type Row,
} from '@tanstack/react-table';
import type { OverviewQueue } from '@/lib/queues/get-overview';
import { compareJudged, type QueueHealth } from '@/lib/queues/queue-health';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import type { DenseColumnMeta } from '@/components/ui/dense-table';
import { Sparkline } from '@/components/metrics/sparkline';
import { DeadLetterQueueBadge, type DeadLetterSummaries } from '@/components/dlq/dead-letter-badge';
import { StateBar } from './state-bar';
import { APPROXIMATE_TITLE, approximateMark, formatCount, formatDuration, formatExact, queueHref } from './format';
import type { JobState } from '@/lib/jobs/job-states';

/** A queue as the table shows it: judged once per render (health), not once per comparison. */
export type OverviewRow = OverviewQueue & {
  deadLetterQueue: boolean;
  health: QueueHealth;
  /** age of the oldest waiting job; -1: none waiting */
  oldestWaitMs: number;
};

export type OverviewTableMeta = { multiConn: boolean; deadLetters: DeadLetterSummaries };

export const overviewFeatures = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  columnVisibilityFeature,
  columnPinningFeature,
  columnMeta: metaHelper<DenseColumnMeta<OverviewRow>>(),
  tableMeta: metaHelper<OverviewTableMeta>(),
});

/** The queue's name stays put while the table scrolls sideways. */
export const OVERVIEW_PINNING: ColumnPinningState = { start: ['name'], end: [] };

export const CELL = 'px-2 @[60rem]:px-3';

const HEALTH_TONE: Record<QueueHealth['level'], string> = {
  'no-workers': 'text-amber-700 dark:text-amber-400',
  objective: 'text-red-600 dark:text-red-400',
  'old-wait': 'text-amber-700 dark:text-amber-400',
  failing: 'text-red-600 dark:text-red-400',
  ok: 'text-zinc-500 dark:text-zinc-400',
};

const helper = createColumnHelper<typeof overviewFeatures, OverviewRow>();

// Ascending comparisons only: the table reverses them for a descending sort.
const byNumber = (a: Row<typeof overviewFeatures, OverviewRow>, b: Row<typeof overviewFeatures, OverviewRow>, id: string) =>
  a.getValue<number>(id) - b.getValue<number>(id);

function countColumn(
  id: string,
  label: string,
  value: (q: OverviewRow) => number,
  fit: { width: number; priority: number },
  extra: { title?: string; state?: string } = {},
) {
  return helper.accessor(value, {
    id,
    header: label,
    sortFn: byNumber,
    sortDescFirst: true,
    cell: ({ row, getValue }) => <CountCell q={row.original} id={id} value={getValue()} state={extra.state} />,
    meta: {
      label,
      title: extra.title,
      ...fit,
      headerClassName: 'text-right',
      cellClassName: (q, v) =>
        cn(
          'py-1.5 text-right font-mono text-[13px] whitespace-nowrap tabular-nums',
          // Workers are the one count whose zero is an alarm (jobs wait and nobody takes them).
          id === 'workers' && v === 0 && q.counts.waiting + q.counts.prioritized > 0 && !q.paused ? 'text-amber-600' : (v === 0 || (v as number) < 0) && 'text-zinc-400',
        ),
    },
  });
}

/** The states a count column adds up (an estimate in any makes the column's count one). */
const COLUMN_STATES: Record<string, JobState[]> = {
  waiting: ['waiting', 'prioritized'],
  failed: ['failed'],
  active: ['active'],
  delayed: ['delayed'],
  completed: ['completed'],
  'waiting-children': ['waiting-children'],
};

export function CountCell({ q, id, value, state }: { q: OverviewRow; id: string; value: number; state?: string }) {
  const approximate = (COLUMN_STATES[id] ?? []).some((s) => q.approximate?.includes(s));
  const text = id === 'oldest' ? (value < 0 ? '—' : formatDuration(value)) : `${approximateMark(approximate)}${formatCount(value)}`;
  const title = id === 'oldest' ? undefined : approximate ? `${formatExact(value)}, ${APPROXIMATE_TITLE}` : formatExact(value);
  const cell = <span title={title}>{text}</span>;
  // Queue links do not prefetch: a link per count would have every page load render dozens of queue pages.
  return state ? (
    <Link href={queueHref(q.connection, q.name, { state })} className="hover:underline">
      {cell}
    </Link>
  ) : (
    cell
  );
}

// In table order, ordered by what an operator needs first. Widths and priorities make narrow boxes drop
// the later columns instead of overflowing (at 1440 px with the sidebar open the box is ~71rem, at 800 px
// ~43rem): the signals (priority 0) always show, then the trend, then the other counts.
export const OVERVIEW_COLUMNS = helper.columns([
  helper.accessor('name', {
    id: 'name',
    header: 'Queue',
    enableHiding: false,
    sortFn: (a, b) => `${a.original.connection}/${a.original.name}`.localeCompare(`${b.original.connection}/${b.original.name}`),
    sortDescFirst: false,
    cell: ({ row, table }) => {
      const q = row.original;
      const meta = table.options.meta!;
      return (
        <>
          <div className="flex items-center gap-1.5 whitespace-nowrap">
            <Link href={queueHref(q.connection, q.name)} title={q.name} className="truncate font-medium text-indigo-700 hover:underline dark:text-indigo-400">
              {q.name}
            </Link>
            {meta.multiConn && <span className="text-xs text-zinc-400">{q.connection}</span>}
            {q.paused && <Badge tone="amber">paused</Badge>}
            {q.workers === 0 && !q.deadLetterQueue && q.counts.waiting + q.counts.prioritized + q.counts.delayed > 0 && (
              <Badge tone={q.paused || q.counts.waiting + q.counts.prioritized === 0 ? 'neutral' : 'amber'} title="No worker is connected to this queue">
                No workers
              </Badge>
            )}
            {meta.deadLetters[q.connection]?.deadLetterQueue === q.name && <DeadLetterQueueBadge />}
            {!q.exists && <Badge title="Named in the config, no jobs stored yet">empty</Badge>}
          </div>
          <StateBar counts={q.counts} />
        </>
      );
    },
    meta: { label: 'Queue', width: 16, priority: 0, cellClassName: 'max-w-[16rem] py-1.5' },
  }),
  // The default order, "needs attention": most urgent first, shown as descending.
  helper.accessor((q) => q.health.text, {
    id: 'attention',
    header: 'Health',
    sortFn: (a, b) => -compareJudged(a.original, b.original),
    sortDescFirst: true,
    cell: ({ row }) => (
      <span data-testid="queue-health" data-objective={row.original.health.objective ?? undefined} className={row.original.health.objective === 'warn' && row.original.health.level === 'ok' ? 'text-amber-700 dark:text-amber-400' : HEALTH_TONE[row.original.health.level]}>
        {row.original.health.text}
      </span>
    ),
    meta: {
      label: 'Health',
      title: 'What needs attention first: no workers while jobs wait, a missed objective, a long wait, failures in the last 15 minutes',
      width: 10,
      priority: 0,
      cellClassName: 'min-w-[8rem] py-1.5 text-[13px]',
    },
  }),
  countColumn('waiting', 'Waiting', (q) => q.counts.waiting + q.counts.prioritized, { width: 5.5, priority: 0 }, { title: 'Waiting and prioritized jobs', state: 'waiting' }),
  countColumn('failed', 'Failed', (q) => q.counts.failed, { width: 5, priority: 0 }, { title: 'Failed jobs kept (a lifetime total: recent failures show under Health)', state: 'failed' }),
  countColumn('workers', 'Workers', (q) => q.workers, { width: 5.5, priority: 0 }),
  countColumn('oldest', 'Oldest wait', (q) => q.oldestWaitMs, { width: 5, priority: 0 }, { title: 'Age of the oldest waiting job' }),
  helper.display({
    id: 'trend',
    header: 'Last hour',
    // Memoized: a row's series changes only with new data, not with the clock.
    cell: ({ row }) => <Sparkline series={row.original.completedSeries} label={`${row.original.name} completed per minute`} />,
    meta: {
      label: 'Last hour',
      title: 'Completed per minute over the last hour (BullMQ metrics)',
      width: 7,
      priority: 1,
      headerClassName: 'py-2 font-medium whitespace-nowrap uppercase',
      cellClassName: 'py-1 text-zinc-400',
    },
  }),
  countColumn('active', 'Active', (q) => q.counts.active, { width: 6, priority: 2 }, { state: 'active' }),
  countColumn('delayed', 'Delayed', (q) => q.counts.delayed, { width: 6, priority: 3 }, { state: 'delayed' }),
  countColumn('done1h', 'Done/1h', (q) => q.completed.lastHour, { width: 8, priority: 4 }, { title: 'Completed in the last hour (BullMQ metrics)' }),
  countColumn('completed', 'Completed', (q) => q.counts.completed, { width: 7, priority: 5 }, { title: 'Completed jobs kept', state: 'completed' }),
  countColumn('failed1h', 'Failed/1h', (q) => q.failed.lastHour, { width: 7, priority: 6 }, { title: 'Failed in the last hour (BullMQ metrics)' }),
  countColumn('waiting-children', 'Children', (q) => q.counts['waiting-children'], { width: 6, priority: 7 }, { title: 'Waiting for children', state: 'waiting-children' }),
]);

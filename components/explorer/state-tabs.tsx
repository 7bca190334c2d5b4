import { Link } from '@/components/ui/link';
import { JOB_STATES, type JobState } from '@/lib/jobs/job-states';
import type { QueueCounts } from '@/lib/queues/queue-summary';
import { cn } from '@/components/ui/cn';
import { APPROXIMATE_TITLE, approximateMark, formatCount, queueHref } from './format';

const LABEL: Record<JobState, string> = {
  waiting: 'Waiting',
  active: 'Active',
  delayed: 'Delayed',
  prioritized: 'Prioritized',
  'waiting-children': 'Waiting children',
  completed: 'Completed',
  failed: 'Failed',
};

export function StateTabs({
  conn,
  queue,
  state,
  counts,
  approximate = [],
  keep,
}: {
  conn: string;
  queue: string;
  state: JobState;
  counts: QueueCounts;
  /** states whose count is an estimate (shown "≈") */
  approximate?: JobState[];
  keep: Record<string, string | undefined>;
}) {
  return (
    <nav aria-label="Job states" className="flex flex-wrap gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {JOB_STATES.map((s) => (
        <Link
          key={s}
          href={queueHref(conn, queue, { ...keep, state: s })}
          aria-current={s === state ? 'page' : undefined}
          className={cn(
            '-mb-px flex items-center gap-1.5 border-b-2 px-3 py-1.5 text-sm',
            s === state ? 'border-indigo-600 font-medium text-zinc-900 dark:text-zinc-100' : 'border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200',
          )}
        >
          {LABEL[s]}
          <span
            data-testid={`count-${s}`}
            title={approximate.includes(s) ? APPROXIMATE_TITLE : undefined}
            className={cn(
              'rounded bg-zinc-100 px-1.5 font-mono text-[11px] tabular-nums dark:bg-zinc-800',
              s === 'failed' && counts.failed > 0 && 'bg-red-100 text-red-700 dark:bg-red-900/50 dark:text-red-300',
            )}
          >
            {approximateMark(approximate.includes(s))}
            {formatCount(counts[s])}
          </span>
        </Link>
      ))}
    </nav>
  );
}

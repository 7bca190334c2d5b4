// A thin stacked bar of a queue's waiting / active / delayed / failed jobs (after Bull Board's queue
// cards): the mix at a glance, with the numbers in its label.
import type { QueueCounts } from '@/lib/queues/queue-summary';

const PARTS = [
  { key: 'waiting', label: 'waiting', color: 'bg-sky-500', of: (c: QueueCounts) => c.waiting + c.prioritized },
  { key: 'active', label: 'active', color: 'bg-emerald-500', of: (c: QueueCounts) => c.active },
  { key: 'delayed', label: 'delayed', color: 'bg-violet-400', of: (c: QueueCounts) => c.delayed },
  { key: 'failed', label: 'failed', color: 'bg-red-400', of: (c: QueueCounts) => c.failed },
] as const;

const count = new Intl.NumberFormat('en');

export function StateBar({ counts }: { counts: QueueCounts }) {
  const parts = PARTS.map((p) => ({ ...p, n: p.of(counts) })).filter((p) => p.n > 0);
  const total = parts.reduce((a, p) => a + p.n, 0);
  const label = total ? parts.map((p) => `${count.format(p.n)} ${p.label}`).join(', ') : 'no waiting, active, delayed or failed jobs';
  return (
    <span role="img" aria-label={label} title={label} data-testid="state-bar" className="mt-1 flex h-1 w-full max-w-40 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
      {parts.map((p) => (
        <span key={p.key} className={p.color} style={{ width: `${(p.n / total) * 100}%` }} />
      ))}
    </span>
  );
}

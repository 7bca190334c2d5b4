import { cn } from '@/components/ui/cn';

/**
 * A number 0–100 as a bar; anything else (BullMQ allows objects) as short text. A job that reported no
 * progress (BullMQ stores 0) shows an empty bar at 0%, the same everywhere, rather than a bare dash.
 */
export function ProgressBar({ progress: reported, className, large = false }: { progress: number | string | null | undefined; className?: string; large?: boolean }) {
  const progress = reported === null || reported === undefined || reported === '' ? 0 : reported;
  if (typeof progress === 'number') {
    const pct = Math.max(0, Math.min(100, progress));
    return (
      <div className={cn('flex items-center gap-2', className)}>
        <div
          role="progressbar"
          aria-valuenow={pct}
          aria-valuemin={0}
          aria-valuemax={100}
          className={cn('overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800', large ? 'h-2.5 w-64' : 'h-1.5 w-20')}
        >
          <div className="h-full rounded-full bg-indigo-500 transition-[width] duration-300" style={{ width: `${pct}%` }} />
        </div>
        <span className="font-mono text-xs tabular-nums">{Math.round(pct * 10) / 10}%</span>
      </div>
    );
  }
  return (
    <span className="block max-w-48 truncate font-mono text-xs" title={String(progress)}>
      {String(progress)}
    </span>
  );
}

import { cn } from '@/components/ui/cn';

/** A number 0–100 as a bar; anything else (BullMQ allows objects) as short text. */
export function ProgressBar({ progress, className, large = false }: { progress: number | string | null | undefined; className?: string; large?: boolean }) {
  if (progress === null || progress === undefined || progress === '' || progress === 0) {
    return <span className="text-zinc-400">—</span>;
  }
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

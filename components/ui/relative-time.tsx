'use client';
import { useNow } from './use-now';

export function formatRelative(ms: number, now = Date.now()): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      return diff < 0 ? `${n}${unit} ago` : `in ${n}${unit}`;
    }
  }
  return 'just now';
}

/** "3m ago", with the exact local time on hover; re-renders every 15 s. */
export function RelativeTime({ ms, className }: { ms?: number | null; className?: string }) {
  const now = useNow();
  if (!ms) return <span className="text-zinc-400">—</span>;
  const exact = new Date(ms).toISOString();
  return (
    <time dateTime={exact} title={new Date(ms).toLocaleString()} className={className} suppressHydrationWarning>
      {now === null ? exact.replace('T', ' ').slice(0, 19) : formatRelative(ms, now)}
    </time>
  );
}

'use client';
// An instant written out, for incident timelines (the audit log, a job's timeline): to the second in the
// viewer's zone once in the browser, UTC in the server's render (it does not know the zone).
import { formatInstantInZone, localTimeZone } from '@/lib/schedules/zone-format';
import { validInstant } from '@/lib/time/instant';
import { useHydrated } from './use-hydrated';

export function ExactTime({ ms, className }: { ms: number | null | undefined; className?: string }) {
  const inBrowser = useHydrated();
  const at = validInstant(ms ?? null);
  if (at === null) return <span className="text-zinc-400">—</span>;
  const zone = inBrowser ? localTimeZone() : 'UTC';
  return (
    <span className={className ?? 'font-mono text-xs'} suppressHydrationWarning>
      {formatInstantInZone(at, zone).slice(0, 19)}
      {zone === 'UTC' ? ' UTC' : ''}
    </span>
  );
}

'use client';
import { formatInstantInZone, localTimeZone, zoneOffset } from '@/lib/schedules/zone-format';
import { formatRelative, type InstantKind } from './clock';
import { useNow } from './use-now';
import { validInstant } from '@/lib/time/instant';

/** "2026-12-06 15:02:03.120 +01:00 (Europe/Berlin)": the exact instant in the viewer's zone. */
export function exactLocalTime(ms: number): string {
  const zone = localTimeZone();
  return `${formatInstantInZone(ms, zone)} ${zoneOffset(ms, zone)} (${zone})`;
}

/**
 * "3m ago" (or "in 21s" for a scheduled instant), kept current by the page's one shared clock, with the
 * exact instant in the viewer's zone on hover. A recorded event is never shown in the future: a few
 * seconds of clock skew read "just now".
 */
export function RelativeTime({ ms, className, kind = 'happened' }: { ms?: number | null; className?: string; kind?: InstantKind }) {
  const now = useNow(ms);
  // An instant a Date cannot hold (1e300 written into Redis) shows as unknown instead of throwing.
  if (!ms || validInstant(ms) === null) return <span className="text-zinc-400">—</span>;
  const exact = new Date(ms).toISOString();
  // The server renders UTC (it does not know the viewer's zone); the browser re-renders in its own.
  const serverText = `${exact.replace('T', ' ').slice(0, 19)} UTC`;
  return (
    <time dateTime={exact} title={now === null ? serverText : exactLocalTime(ms)} className={className} suppressHydrationWarning>
      {now === null ? serverText.slice(0, 19) : formatRelative(ms, now, kind)}
    </time>
  );
}

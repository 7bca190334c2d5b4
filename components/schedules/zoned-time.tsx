'use client';
import { RelativeTime } from '@/components/ui/relative-time';
import { useNow } from '@/components/ui/use-now';
import { formatInZoneWithOffset, localTimeZone } from '@/lib/schedules/zone-format';

/**
 * A run time: relative (counting down live), exact in the schedule's zone, and (once in the browser) in the viewer's zone
 * when it differs. A cron without tz runs in the worker's zone; its instant is shown in UTC.
 */
export function ZonedTime({ ms, tz, testId }: { ms: number | null; tz?: string; testId?: string }) {
  const now = useNow();
  if (!ms) return <span className="text-zinc-400">—</span>;
  const viewerZone = now === null ? null : localTimeZone();
  const zone = tz ?? 'UTC';
  return (
    <div className="leading-tight" data-testid={testId}>
      <RelativeTime ms={ms} kind="scheduled" className="text-sm" />
      {/* A long zone name wraps under the time rather than widening the column. */}
      <div className="font-mono text-[11px] text-zinc-500" title={tz ? `In the schedule's zone, ${tz}` : 'No time zone set: UTC shown'}>
        <span className="whitespace-nowrap">{formatInZoneWithOffset(ms, zone)}</span> <span className="text-zinc-400 [overflow-wrap:anywhere]">{tz ?? 'UTC'}</span>
      </div>
      {viewerZone && viewerZone !== zone && (
        <div className="font-mono text-[11px] text-zinc-400" title={`Your time zone, ${viewerZone}`}>
          <span className="whitespace-nowrap">{formatInZoneWithOffset(ms, viewerZone)}</span> <span>you</span>
        </div>
      )}
    </div>
  );
}

'use client';
// A schedule's health as the schedule watch last judged it (README › Missed and late runs): a badge
// ("missed 3 runs since 10:05", the exact instant on hover) and its run history, read when opened.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Schedule } from '@/lib/schedules/types';
import type { ScheduleRun } from '@/lib/schedules/watch/watch-record';
import { describeMissed } from '@/lib/schedules/watch/schedule-status';
import { formatInstantInZone, localTimeZone } from '@/lib/schedules/zone-format';
import { validInstant } from '@/lib/time/instant';
import { Badge } from '@/components/ui/badge';
import { Link } from '@/components/ui/link';
import { ExactTime } from '@/components/ui/exact-time';
import { exactLocalTime } from '@/components/ui/relative-time';
import { useHydrated } from '@/components/ui/use-hydrated';
import { fetchJson } from '@/components/explorer/api-client';
import { jobHref } from '@/components/explorer/format';
import { queryKeys } from '@/components/query-keys';

/** "10:05" in the viewer's zone (UTC in the server's render), the exact instant on hover. */
function ShortTime({ ms }: { ms: number }) {
  const inBrowser = useHydrated();
  const zone = inBrowser ? localTimeZone() : 'UTC';
  const text = formatInstantInZone(ms, zone).slice(11, 16);
  return (
    <time dateTime={new Date(ms).toISOString()} title={inBrowser ? exactLocalTime(ms) : `${new Date(ms).toISOString()}`} suppressHydrationWarning>
      {text}
      {zone === 'UTC' ? ' UTC' : ''}
    </time>
  );
}

function seconds(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

export function HealthBadge({ s }: { s: Schedule }) {
  const h = s.health;
  if (!h || h.status === 'ok') return null;
  const since = h.missedSince !== null && validInstant(h.missedSince) !== null ? h.missedSince : null;
  if (h.status === 'missed') {
    return (
      <Badge tone="red" title="Runs were due and did not start within the grace period (workers down, delayed jobs not promoted, clock trouble)">
        <span data-testid="schedule-health">
          {describeMissed(h.missedCount, h.missedCapped)}
          {since !== null && (
            <>
              {' since '}
              <ShortTime ms={since} />
            </>
          )}
        </span>
      </Badge>
    );
  }
  if (h.status === 'late') {
    return (
      <Badge tone="amber" title="Its last run started later after its due time than the queue’s wait objective allows (the grace period when the queue has none)">
        <span data-testid="schedule-health">late {seconds(h.lateByMs ?? 0)}</span>
      </Badge>
    );
  }
  const goneAt = h.goneAt ?? null;
  return (
    <Badge tone="red" title="Seen by an earlier watch round and no longer in the store, though not deleted or paused through Drover">
      <span data-testid="schedule-health">
        disappeared{goneAt !== null && validInstant(goneAt) !== null && (
          <>
            {' at '}
            <ShortTime ms={goneAt} />
          </>
        )}
        {h.missedCount > 0 && (
          <>
            {`; ${describeMissed(h.missedCount, h.missedCapped)}`}
            {since !== null && (
              <>
                {' since '}
                <ShortTime ms={since} />
              </>
            )}
          </>
        )}
      </span>
    </Badge>
  );
}

const OUTCOME_TONE: Record<ScheduleRun['outcome'], 'green' | 'red' | 'amber' | 'blue' | 'neutral'> = {
  completed: 'green',
  failed: 'red',
  missed: 'red',
  running: 'blue',
  waiting: 'amber',
  removed: 'neutral',
};

function RunsTable({ s }: { s: Schedule }) {
  const { data, error, isLoading } = useQuery({
    queryKey: queryKeys.scheduleRuns(s.connection, s.queue, s.id),
    queryFn: () =>
      fetchJson<{ runs: ScheduleRun[] }>(`/api/v1/connections/${encodeURIComponent(s.connection)}/queues/${encodeURIComponent(s.queue)}/schedulers/${encodeURIComponent(s.id)}/runs?limit=50`),
    refetchInterval: 15_000,
  });
  if (isLoading) return <p className="text-xs text-zinc-500">Loading…</p>;
  if (error) return <p className="text-xs text-red-700 dark:text-red-400">{(error as Error).message}</p>;
  if (!data || data.runs.length === 0) return <p className="text-xs text-zinc-500">No runs recorded yet (the watch records runs as their due times pass).</p>;
  return (
    <table className="mt-1 text-[11px]" data-testid="schedule-runs">
      <thead className="text-left text-zinc-500">
        <tr>
          <th className="pr-2 font-medium">Due</th>
          <th className="pr-2 font-medium">Enqueued</th>
          <th className="pr-2 font-medium">Started</th>
          <th className="pr-2 font-medium">Finished</th>
          <th className="font-medium">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {data.runs.map((r) => (
          <tr key={r.due}>
            {[r.due, r.enqueuedAt, r.startedAt, r.finishedAt].map((ms, i) => (
              <td key={i} className="pr-2">
                <ExactTime ms={ms} className="font-mono whitespace-nowrap" />
              </td>
            ))}
            <td>
              {r.jobId ? (
                <Link href={jobHref(s.connection, s.queue, r.jobId)} className="hover:underline">
                  <Badge tone={OUTCOME_TONE[r.outcome]}>{r.outcome}</Badge>
                </Link>
              ) : (
                <Badge tone={OUTCOME_TONE[r.outcome]} title={r.outcome === 'removed' ? 'no record: the job is no longer kept' : 'no job was made for this due time'}>
                  {r.outcome}
                </Badge>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "History": the last runs, fetched only while open. */
export function ScheduleRunHistory({ s }: { s: Schedule }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="mt-1 text-xs" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary className="cursor-pointer text-zinc-600 select-none dark:text-zinc-400">Run history</summary>
      {open && <RunsTable s={s} />}
    </details>
  );
}

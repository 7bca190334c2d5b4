'use client';
import type { ReactNode } from 'react';
import type { JobDetail } from '@/lib/jobs/get-job';
import { RelativeTime } from '@/components/ui/relative-time';
import { useNow } from '@/components/ui/use-now';
import { formatInstantInZone, localTimeZone } from '@/lib/schedules/zone-format';
import type { InstantKind } from '@/components/ui/clock';
import { formatDuration } from './format';

/**
 * A job's incident timeline: added → (delayed until) → started → finished or failed, each at its exact
 * instant in the viewer's zone and relative to now, with the time waited and run between them.
 */
export function JobTimeline({ job }: { job: JobDetail }) {
  // Null on the server: the viewer's zone is known once in the browser; UTC until then.
  const waiting = Boolean(job.timestamp) && !job.processedOn && (job.state === 'waiting' || job.state === 'prioritized');
  const running = Boolean(job.processedOn) && !job.finishedOn && job.state === 'active';
  const now = useNow(running ? job.processedOn : waiting ? job.timestamp : null);
  const zone = now === null ? 'UTC' : localTimeZone();
  const end = job.finishedOn ? (job.state === 'failed' ? 'Failed' : 'Finished') : null;
  const waited = job.timestamp && job.processedOn ? job.processedOn - job.timestamp : null;
  const ran = job.processedOn && job.finishedOn ? job.finishedOn - job.processedOn : null;
  const step = (testId: string, label: string, ms: number, kind: InstantKind = 'happened') => (
    <li data-testid={testId} className="flex flex-wrap items-baseline gap-x-3">
      <span className="w-24 text-xs text-zinc-500">{label}</span>{' '}
      <span className="font-mono text-xs" suppressHydrationWarning>
        {formatInstantInZone(ms, zone)}
      </span>{' '}
      <RelativeTime ms={ms} kind={kind} className="text-xs text-zinc-500" />
    </li>
  );
  const gap = (testId: string, text: ReactNode) => (
    <li className="flex gap-x-3 text-xs text-zinc-500">
      <span aria-hidden className="w-24 text-center">↓</span>
      <span data-testid={testId}>{text}</span>
    </li>
  );
  return (
    <section aria-label="Timeline" data-testid="job-timeline" className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <h2 className="text-sm font-semibold">
        Timeline <span className="text-xs font-normal text-zinc-500">({zone === 'UTC' ? 'UTC' : `your time zone, ${zone}`})</span>
      </h2>
      <ol className="mt-2 space-y-1">
        {job.timestamp ? step('timeline-added', 'Added', job.timestamp) : null}
        {job.delayedUntil ? step('timeline-delayed', 'Delayed until', job.delayedUntil, 'scheduled') : null}
        {job.processedOn ? (
          <>
            {waited !== null && gap('timeline-waited', `waited ${formatDuration(waited)}`)}
            {step('timeline-started', 'Started', job.processedOn)}
          </>
        ) : (
          waiting && now !== null && gap('timeline-waiting', `waiting for ${formatDuration(Math.max(0, now - job.timestamp!))}`)
        )}
        {job.finishedOn && end ? (
          <>
            {ran !== null && gap('timeline-ran', `ran ${formatDuration(ran)}`)}
            {step('timeline-finished', end, job.finishedOn)}
          </>
        ) : (
          running && now !== null && gap('timeline-running', `running for ${formatDuration(Math.max(0, now - job.processedOn!))}`)
        )}
      </ol>
    </section>
  );
}

// The original job's attempts on its dead letter's page: the records Drover's runtime kept (the same
// table as a job page), or else the errors BullMQ kept, saying truthfully why there are no records.
import type { DeadLetterDetail } from '@/lib/dlq/get-dead-letter';
import { AttemptsPanel, FailureList } from '@/components/explorer/attempts-panel';

export function DeadLetterAttempts({ deadLetter: d }: { deadLetter: DeadLetterDetail }) {
  if (d.attempts.length > 0) return <AttemptsPanel attempts={d.attempts} stacktrace={d.stacktrace} attemptsMade={d.attemptsMade} />;
  const why = d.ranByDroverRuntime
    ? 'Drover’s runtime ran this job, but its per-attempt records were gone when the dead letter was read (they expire 14 days after the last run, and dead letters captured before Drover copied them have none)'
    : 'the job ran on a worker other than Drover’s runtime';
  return (
    <section aria-label="Attempts" className="rounded-md border border-zinc-200 dark:border-zinc-800" data-testid="attempts">
      <header className="border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Attempts</h2>
      </header>
      <div className="p-3 text-sm">
        <p className="mb-2 text-xs text-zinc-500">
          No per-attempt records: {why}. {d.attemptsMade} attempt{d.attemptsMade === 1 ? '' : 's'} made
          {d.stacktrace.length > 0 ? '; the errors BullMQ kept, oldest first:' : ', without errors recorded.'}
        </p>
        <FailureList stacktrace={d.stacktrace} />
      </div>
    </section>
  );
}

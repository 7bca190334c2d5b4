import type { Attempt } from '@/lib/attempts';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatDuration } from './format';

const TONE: Record<Attempt['outcome'], BadgeTone> = { running: 'indigo', completed: 'green', failed: 'red', cancelled: 'amber', stalled: 'amber' };

/**
 * Every attempt: from the bundled runtime's records when it ran the job, otherwise reconstructed
 * from BullMQ's accumulated stacktraces (one per failed attempt; timings of earlier attempts are lost).
 */
export function AttemptsPanel({ attempts, stacktrace, attemptsMade }: { attempts: Attempt[]; stacktrace: string[]; attemptsMade: number }) {
  return (
    <section aria-label="Attempts" className="rounded-md border border-zinc-200 dark:border-zinc-800" data-testid="attempts">
      <header className="border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Attempts</h2>
      </header>
      <div className="p-3 text-sm">
        {attempts.length > 0 ? (
          <table className="w-full text-left text-xs">
            <thead className="text-zinc-500">
              <tr>
                <th className="py-1 pr-4 font-medium">#</th>
                <th className="py-1 pr-4 font-medium">Outcome</th>
                <th className="py-1 pr-4 font-medium">Started</th>
                <th className="py-1 pr-4 font-medium">Took</th>
                <th className="py-1 pr-4 font-medium">Worker</th>
                <th className="py-1 font-medium">Error</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a, i) => (
                <tr key={`${a.attempt}-${a.startedAt}-${i}`} className="align-top">
                  <td className="py-1 pr-4 font-mono">{a.attempt}</td>
                  <td className="py-1 pr-4">
                    <Badge tone={TONE[a.outcome]}>{a.outcome}</Badge>
                  </td>
                  <td className="py-1 pr-4 whitespace-nowrap">
                    <RelativeTime ms={a.startedAt} />
                  </td>
                  <td className="py-1 pr-4 font-mono whitespace-nowrap">{a.endedAt ? formatDuration(a.endedAt - a.startedAt) : '—'}</td>
                  <td className="py-1 pr-4 font-mono">
                    {a.worker}
                    {a.traceId && <div className="text-zinc-500" title="OpenTelemetry trace id of this run">trace {a.traceId}</div>}
                  </td>
                  <td className="py-1 break-all whitespace-pre-wrap text-red-700 dark:text-red-400">{a.error}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : stacktrace.length > 0 ? (
          <>
            <p className="mb-2 text-xs text-zinc-500">
              No per-attempt records (the job ran on a worker other than Drover’s runtime). {attemptsMade} attempt{attemptsMade === 1 ? '' : 's'} made; the
              errors BullMQ kept, oldest first:
            </p>
            <FailureList stacktrace={stacktrace} />
          </>
        ) : (
          <p className="text-xs text-zinc-500">{attemptsMade > 0 ? `${attemptsMade} attempt(s) made, without errors recorded.` : 'Not attempted yet.'}</p>
        )}
      </div>
    </section>
  );
}

/** The errors BullMQ kept for a job, one per failed attempt, oldest first (text, never HTML). */
export function FailureList({ stacktrace }: { stacktrace: string[] }) {
  return (
    <ol className="space-y-2">
      {stacktrace.map((trace, i) => (
        <li key={i}>
          <p className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Failure {i + 1}</p>
          <pre className="mt-1 max-h-60 overflow-auto rounded bg-zinc-50 p-2 font-mono text-[11px] break-all whitespace-pre-wrap text-red-800 dark:bg-zinc-950 dark:text-red-300">
            {trace}
          </pre>
        </li>
      ))}
    </ol>
  );
}

// The original job's log on its dead letter's page: the line count it had when it failed and its last
// lines, from the copy the capture took (BullMQ deletes a job's logs with the job).
import type { DeadLetterDetail } from '@/lib/dlq/get-dead-letter';
import { formatExact } from '@/components/explorer/format';

export function DeadLetterLogs({ deadLetter: d }: { deadLetter: DeadLetterDetail }) {
  const logs = d.logs;
  const first = logs ? logs.count - logs.lines.length + 1 : 1;
  return (
    <section aria-label="Logs" className="rounded-md border border-zinc-200 dark:border-zinc-800">
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Logs</h2>
        {logs && (
          <span className="text-xs text-zinc-500" data-testid="logs-count">
            {formatExact(logs.count)} line{logs.count === 1 ? '' : 's'}
          </span>
        )}
        {logs && logs.lines.length < logs.count && <span className="text-xs text-zinc-500">showing the last {formatExact(logs.lines.length)}</span>}
      </header>
      <div className="max-h-96 overflow-auto p-3">
        {!logs ? (
          <p className="text-xs text-zinc-500">This dead letter was captured before Drover copied job logs into dead letters; the original job&apos;s page has them while it exists.</p>
        ) : logs.count === 0 ? (
          <p className="text-xs text-zinc-500">The original job wrote no log lines.</p>
        ) : (
          <ol className="font-mono text-xs" start={first} data-testid="log-lines">
            {logs.lines.map((line, i) => (
              <li key={i} className="flex gap-3 break-all whitespace-pre-wrap">
                <span className="w-10 shrink-0 text-right text-zinc-400 select-none">{first + i}</span>
                <span>{line}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

'use client';
// One dead letter, told as the original job's story: where it came from (one breadcrumb: Dead letters ›
// origin queue › original job id), its error and group, its data, the attempts Drover's runtime recorded
// and its last log lines (copied into the envelope at capture) — with requeue (optionally with edited
// data) and purge. The envelope job in the DLQ queue is storage, not shown as a second job page.
import { Link } from '@/components/ui/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { DeadLetterDetail } from '@/lib/dlq/get-dead-letter';
import { requeueDeadLettersAction, purgeDeadLettersAction } from '@/app/actions';
import { fetchJson } from '@/components/explorer/api-client';
import { formatBytes, formatDuration, jobHref } from '@/components/explorer/format';
import { JsonValueView } from '@/components/explorer/json-value-view';
import { JsonEditor, isValidJson } from '@/components/ui/json-editor';
import { useRunAction } from '@/components/ui/use-run-action';
import { RelativeTime } from '@/components/ui/relative-time';
import { Fact } from '@/components/ui/fact';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { apiDlqPath, dlqHref } from './format';
import { DeadLetterAttempts } from './dead-letter-attempts';
import { DeadLetterLogs } from './dead-letter-logs';
import { DeadLetterData } from './dead-letter-data';

export function DeadLetterDetailView({
  conn,
  deadLetter: d,
  canRequeue,
  canPurge,
}: {
  conn: string;
  deadLetter: DeadLetterDetail;
  canRequeue: boolean;
  canPurge: boolean;
}) {
  const router = useRouter();
  const { run, pending } = useRunAction();
  const [editing, setEditing] = useState(false);
  const [original, setOriginal] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<string[]>([]);
  const [purging, setPurging] = useState(false);

  const openEditor = async () => {
    setEditing(true);
    setFieldErrors([]);
    if (original !== null) return;
    try {
      const full = await fetchJson<DeadLetterDetail>(`${apiDlqPath(conn)}/${encodeURIComponent(d.id)}?data=1`);
      const json = JSON.stringify(full.data ?? {}, null, 2);
      setOriginal(json);
      setText(json);
    } catch (err) {
      setLoadError((err as Error).message);
    }
  };

  const requeue = (withData: boolean) =>
    run(() => requeueDeadLettersAction({ params: { conn }, body: withData ? { ids: [d.id], data: text } : { ids: [d.id] } }), {
      onDone: (result) => {
        if (!result.ok) {
          setFieldErrors(Object.entries(result.error.fieldErrors ?? {}).map(([k, v]) => `${k}: ${v.join(', ')}`));
          return;
        }
        setEditing(false);
        const [job] = result.data.jobs;
        if (job) router.push(jobHref(conn, job.queue, job.jobId));
      },
    });

  const waited = d.timestamp && d.processedOn ? d.processedOn - d.timestamp : null;
  const ran = d.processedOn && d.failedAt ? d.failedAt - d.processedOn : null;

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-500">
        <ol className="flex flex-wrap items-center gap-1">
          <li>
            <Link href={dlqHref(conn)} className="hover:underline">
              Dead letters
            </Link>
          </li>
          <li aria-hidden="true" className="select-none">
            ›
          </li>
          <li>
            <Link href={dlqHref(conn, { queue: d.queue })} className="hover:underline" title={`Dead letters from ${d.queue}`}>
              {d.queue}
            </Link>
          </li>
          <li aria-hidden="true" className="select-none">
            ›
          </li>
          <li aria-current="page" className="font-mono">
            #{d.jobId}
          </li>
        </ol>
      </nav>

      <section aria-label="Dead letter" className="space-y-3" data-testid="dlq-origin">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-lg font-semibold break-all" data-testid="job-name">
            {d.name}
          </h1>
          <span className="font-mono text-sm break-all text-zinc-500">#{d.jobId}</span>
          <Badge tone="purple">dead letter</Badge>
          <span className="text-sm text-zinc-600 dark:text-zinc-400">
            from {d.queue}
            {d.originPresent ? (
              <>
                {' · '}
                <Link href={jobHref(conn, d.queue, d.jobId)} className="text-indigo-700 hover:underline dark:text-indigo-400">
                  the original job
                </Link>{' '}
                is still in its queue&apos;s failed set
              </>
            ) : (
              ' · the original job is no longer in its queue'
            )}
          </span>
          <div className="ml-auto flex flex-wrap gap-2">
            {canRequeue && (
              <>
                <Button size="sm" variant="primary" disabled={pending} onClick={() => requeue(false)}>
                  Requeue
                </Button>
                <Button size="sm" disabled={pending} onClick={() => void openEditor()}>
                  Edit data and requeue…
                </Button>
              </>
            )}
            {canPurge && (
              <Button size="sm" variant="danger" disabled={pending} onClick={() => setPurging(true)}>
                Purge…
              </Button>
            )}
          </div>
        </div>
        <dl className="grid grid-cols-2 gap-3 rounded-md border border-zinc-200 p-3 sm:grid-cols-4 lg:grid-cols-6 dark:border-zinc-800">
          <Fact label="Created">
            <RelativeTime ms={d.timestamp} />
          </Fact>
          <Fact label="Last attempt started">
            <RelativeTime ms={d.processedOn} />
          </Fact>
          <Fact label="Failed">
            <RelativeTime ms={d.failedAt} />
          </Fact>
          <Fact label="Waited / ran">
            <span className="font-mono text-xs">
              {formatDuration(waited)} / {formatDuration(ran)}
            </span>
          </Fact>
          <Fact label="Attempts made / started">
            <span className="font-mono">
              {d.attemptsMade} / {d.attemptsStarted}
              {typeof d.opts.attempts === 'number' && <span className="text-zinc-500"> of {d.opts.attempts}</span>}
            </span>
          </Fact>
          <Fact label="Last run by">
            <span className="font-mono text-xs break-all">{d.processedBy ?? '—'}</span>
          </Fact>
          <Fact label="Captured">
            <RelativeTime ms={d.capturedAt} />
            <span className="block font-mono text-[11px] break-all text-zinc-500">{d.capturedBy}</span>
          </Fact>
          <Fact label="Envelope size">
            <span className="font-mono">{formatBytes(d.envelopeSize)}</span>
          </Fact>
        </dl>
      </section>

      <section aria-label="Error" className="rounded-md border border-red-200 bg-red-50 p-3 dark:border-red-900 dark:bg-red-950/40">
        <h2 className="text-sm font-semibold text-red-800 dark:text-red-300">Failed reason</h2>
        <pre className="mt-1 font-mono text-xs break-all whitespace-pre-wrap text-red-900 dark:text-red-200" data-testid="failed-reason">
          {d.failedReason}
        </pre>
        <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
          Error group:{' '}
          <Link href={dlqHref(conn, { group: d.group.id })} className="font-mono break-all text-indigo-700 hover:underline dark:text-indigo-400">
            {d.group.pattern ?? d.group.id}
          </Link>
        </p>
      </section>

      <DeadLetterData conn={conn} deadLetter={d} />

      <DeadLetterAttempts deadLetter={d} />

      <DeadLetterLogs deadLetter={d} />

      <section aria-label="Options" className="rounded-md border border-zinc-200 dark:border-zinc-800">
        <header className="border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <h2 className="text-sm font-semibold">Options</h2>
          <p className="text-xs text-zinc-500">The original job&apos;s options, used again on requeue minus its id, delay and flow links.</p>
        </header>
        <div className="p-3">
          <JsonValueView value={d.opts} label="Options, formatted" />
        </div>
      </section>

      <Dialog open={editing} onClose={() => setEditing(false)} title={`Requeue to ${d.queue} with edited data`} className="w-[min(48rem,calc(100vw-2rem))]">
        <form
          aria-label="Requeue with data"
          onSubmit={(e) => {
            e.preventDefault();
            requeue(text !== original);
          }}
          className="space-y-3"
        >
          {loadError ? (
            <p role="alert" className="text-sm text-red-600">
              {loadError}
            </p>
          ) : original === null ? (
            <p className="text-sm text-zinc-500">Loading the data…</p>
          ) : (
            <JsonEditor label="Data (JSON)" value={text} onChange={setText} rows={14} errors={fieldErrors} />
          )}
          <p className="text-xs text-zinc-500">
            A fresh job named <span className="font-mono">{d.name}</span> with the origin&apos;s options; the dead letter is removed once the job exists.
          </p>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setEditing(false)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={pending || original === null || !isValidJson(text)}>
              {pending ? 'Working…' : 'Requeue'}
            </Button>
          </div>
        </form>
      </Dialog>

      <ConfirmDialog
        open={purging}
        onClose={() => setPurging(false)}
        title="Purge this dead letter"
        confirmLabel="Purge dead letter"
        busy={pending}
        onConfirm={() =>
          run(() => purgeDeadLettersAction({ params: { conn }, body: { ids: [d.id] } }), {
            onDone: (result) => {
              setPurging(false);
              if (result.ok) router.push(dlqHref(conn));
            },
          })
        }
      >
        <p>
          The envelope of {d.queue} #{d.jobId} and its data are deleted for good. The origin job is not touched.
        </p>
      </ConfirmDialog>
    </div>
  );
}

'use client';
// One dead letter: where it came from (origin queue and job, error group, capture), requeue with
// optional edited data, purge — above the ordinary job view of its envelope job in the DLQ queue
// (data, every attempt's error, timeline).
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { DeadLetterDetail } from '@/lib/dlq/get-dead-letter';
import type { JobDetail } from '@/lib/jobs/get-job';
import { requeueDeadLettersAction, purgeDeadLettersAction } from '@/app/actions';
import { JobView } from '@/components/explorer/job-view';
import { fetchJson } from '@/components/explorer/api-client';
import { formatBytes, jobHref, queueHref } from '@/components/explorer/format';
import { JsonTree } from '@/components/explorer/json-viewer';
import { JsonEditor, isValidJson } from '@/components/ui/json-editor';
import { useRunAction } from '@/components/ui/use-run-action';
import { RelativeTime } from '@/components/ui/relative-time';
import { Fact } from '@/components/ui/fact';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { apiDlqPath, dlqHref } from './format';

export function DeadLetterDetailView({
  conn,
  deadLetter: d,
  envelopeJob,
  canRequeue,
  canPurge,
}: {
  conn: string;
  deadLetter: DeadLetterDetail;
  envelopeJob: JobDetail;
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

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-500">
        <Link href={dlqHref(conn)} className="hover:underline">
          Dead letters
        </Link>{' '}
        / {conn} / <span className="font-mono">{d.id}</span>
      </nav>
      <section aria-label="Dead letter" className="space-y-3 rounded-md border border-purple-200 bg-purple-50/40 p-3 dark:border-purple-900 dark:bg-purple-950/20" data-testid="dlq-origin">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-lg font-semibold">Dead letter</h1>
          <span className="text-sm text-zinc-600 dark:text-zinc-400">
            from{' '}
            <Link href={queueHref(conn, d.queue, { state: 'failed' })} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
              {d.queue}
            </Link>{' '}
            {d.originPresent ? (
              <Link href={jobHref(conn, d.queue, d.jobId)} className="font-mono text-indigo-700 hover:underline dark:text-indigo-400">
                #{d.jobId}
              </Link>
            ) : (
              <span className="font-mono" title="The origin job is no longer in its queue's failed set">
                #{d.jobId}
              </span>
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
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6">
          <Fact label="Job name">
            <span className="break-all">{d.name}</span>
          </Fact>
          <Fact label="Failed">
            <RelativeTime ms={d.failedAt} />
          </Fact>
          <Fact label="Attempts made">
            <span className="font-mono">
              {d.attemptsMade}
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
        <div>
          <p className="text-xs text-zinc-500">Error group</p>
          <Link href={dlqHref(conn, { group: d.group.id })} className="font-mono text-xs break-all text-indigo-700 hover:underline dark:text-indigo-400">
            {d.group.pattern ?? d.group.id}
          </Link>
        </div>
        <details>
          <summary className="cursor-pointer text-xs text-zinc-600 dark:text-zinc-400">Origin job options (used again on requeue, minus id, delay and flow links)</summary>
          <div className="mt-2">
            <JsonTree value={d.opts} defaultDepth={1} />
          </div>
        </details>
      </section>

      <p className="text-xs text-zinc-500">
        Below: the envelope as a job of the dead-letter queue. Its data is the whole envelope (the origin job&apos;s data under <code>data</code>); attempts show
        the errors of every failed attempt.
      </p>
      <JobView conn={conn} queue={d.deadLetterQueue} initialJob={envelopeJob} initialAttempts={[]} canAct={false} />

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

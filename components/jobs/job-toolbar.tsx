'use client';
import { useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import type { JobDetail } from '@/lib/jobs/get-job';
import type { JobFieldValue } from '@/lib/jobs/get-job-field';
import {
  cancelJobAction,
  duplicateJobAction,
  failJobAction,
  promoteJobAction,
  removeJobAction,
  retryJobAction,
  updateJobAction,
} from '@/app/actions';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { Input, Label } from '@/components/ui/input';
import { fetchJson } from '@/components/explorer/api-client';
import { apiQueuePath, jobHref, queueHref } from '@/components/explorer/format';
import { useRunAction } from '@/components/ui/use-run-action';
import { JsonEditor, isValidJson } from '@/components/ui/json-editor';
import { actionsFor, primaryActionFor } from '@/lib/jobs/transitions';

type Open = null | 'remove' | 'fail' | 'cancel' | 'data' | 'delay' | 'priority';
type DataLoad = { status: 'loading' } | { status: 'ready' } | { status: 'error'; message: string };

/**
 * The operator actions that apply to this job in its current state (the domain's state rules,
 * lib/jobs/transitions.ts), led by the one that fits the state: Retry for a failed job, Promote for a
 * delayed one, none for a completed one (Retry is still there, not as the obvious button).
 */
export function JobToolbar({ conn, queue, job }: { conn: string; queue: string; job: JobDetail }) {
  const router = useRouter();
  const { run, pending } = useRunAction();
  const [open, setOpen] = useState<Open>(null);
  const [dataText, setDataText] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [number, setNumber] = useState('');
  const [reason, setReason] = useState('');
  const [dataLoad, setDataLoad] = useState<DataLoad>({ status: 'loading' });
  const dataRequest = useRef(0);
  const t = { conn, queue, id: job.id };
  const s = job.state;
  const allowed = new Set(actionsFor(s));
  const primary = primaryActionFor(s);
  const variantOf = (action: 'retry' | 'promote') => (primary === action ? 'primary' : 'secondary');

  // Save stays disabled until the current data has loaded: saving the placeholder would replace it.
  async function openDataEditor() {
    const request = ++dataRequest.current;
    setDataText('');
    setFieldErrors({});
    setDataLoad({ status: 'loading' });
    setOpen('data');
    try {
      const body = await fetchJson<JobFieldValue>(`${apiQueuePath(conn, queue)}/jobs/${encodeURIComponent(job.id)}/data?limit=4194304`);
      if (request !== dataRequest.current) return;
      if (body.truncated) {
        setDataLoad({ status: 'error', message: 'The data is larger than 4 MB: edit it through the API instead.' });
        return;
      }
      try {
        setDataText(JSON.stringify(JSON.parse(body.text), null, 2));
      } catch {
        setDataText(body.text);
      }
      setDataLoad({ status: 'ready' });
    } catch (err) {
      if (request !== dataRequest.current) return;
      setDataLoad({ status: 'error', message: `Could not load the job's data: ${(err as Error).message}` });
    }
  }

  return (
    <>
      {allowed.has('retry') && (
        <Button size="sm" variant={variantOf('retry')} disabled={pending} onClick={() => run(() => retryJobAction({ params: t }))}>
          Retry
        </Button>
      )}
      {allowed.has('promote') && (
        <Button size="sm" variant={variantOf('promote')} disabled={pending} onClick={() => run(() => promoteJobAction({ params: t }))}>
          Promote
        </Button>
      )}
      {s === 'delayed' && (
        <>
          <Button size="sm" disabled={pending} onClick={() => { setNumber(String(job.delay)); setOpen('delay'); }}>
            Change delay
          </Button>
        </>
      )}
      {(s === 'waiting' || s === 'prioritized' || s === 'delayed') && (
        <Button size="sm" disabled={pending} onClick={() => { setNumber(String(job.priority)); setOpen('priority'); }}>
          Priority
        </Button>
      )}
      {s === 'active' && (
        <Button size="sm" variant="danger" disabled={pending} onClick={() => { setReason(''); setOpen('cancel'); }}>
          Cancel
        </Button>
      )}
      <Button size="sm" disabled={pending} onClick={openDataEditor}>
        Edit data
      </Button>
      <Button
        size="sm"
        disabled={pending}
        onClick={() => run(() => duplicateJobAction({ params: t }), { onDone: (r) => r.ok && r.data.jobId && router.push(jobHref(conn, queue, r.data.jobId)) })}
      >
        Duplicate
      </Button>
      {allowed.has('fail') && (
        <Button size="sm" variant="danger" disabled={pending} onClick={() => { setReason(''); setOpen('fail'); }}>
          Fail permanently
        </Button>
      )}
      {allowed.has('remove') && (
        <Button size="sm" variant="danger" disabled={pending} onClick={() => setOpen('remove')}>
          Remove
        </Button>
      )}

      <ConfirmDialog
        open={open === 'remove'}
        onClose={() => setOpen(null)}
        title={`Remove job ${job.id}`}
        confirmLabel="Remove job"
        busy={pending}
        onConfirm={() => run(() => removeJobAction({ params: t }), { onDone: (r) => { setOpen(null); if (r.ok) router.push(queueHref(conn, queue, { state: s })); } })}
      >
        <p>
          Job <strong className="break-all">{job.name}</strong> (#{job.id}, {s}) and its logs are deleted from its store. This cannot be undone.
          {job.dependencies.unprocessed + job.dependencies.processed > 0 && ' Its children are removed too.'}
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={open === 'fail' || open === 'cancel'}
        onClose={() => setOpen(null)}
        title={open === 'cancel' ? `Cancel running job ${job.id}` : `Fail job ${job.id} permanently`}
        confirmLabel={open === 'cancel' ? 'Cancel job' : 'Fail permanently'}
        busy={pending}
        onConfirm={() =>
          run(() => (open === 'cancel' ? cancelJobAction({ params: t, body: { reason: reason || undefined } }) : failJobAction({ params: t, body: { reason: reason || undefined } })), {
            onDone: () => setOpen(null),
          })
        }
      >
        <p>
          {s === 'active'
            ? 'The Drover worker running it is asked to abort; the job ends failed and is not retried. A job on a worker that does not listen for cancellation cannot be stopped from here.'
            : `The job moves from ${s} to failed now, without running and without retries.`}
        </p>
        <div>
          <Label htmlFor="fail-reason">Reason (optional, shown in the failed reason)</Label>
          <Input id="fail-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        </div>
      </ConfirmDialog>

      <Dialog open={open === 'delay' || open === 'priority'} onClose={() => setOpen(null)} title={open === 'delay' ? 'Change delay' : 'Change priority'}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const value = Number(number);
            run(() => updateJobAction({ params: t, body: open === 'delay' ? { delay: value } : { priority: value } }), { onDone: (r) => r.ok && setOpen(null) });
          }}
          className="space-y-3"
        >
          <div>
            <Label htmlFor="number-input">{open === 'delay' ? 'Delay from now, in milliseconds' : 'Priority (0 = none, 1 = highest)'}</Label>
            <Input id="number-input" inputMode="numeric" value={number} onChange={(e) => setNumber(e.target.value.replace(/[^\d]/g, ''))} autoFocus />
          </div>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setOpen(null)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={pending || number === ''}>
              Save
            </Button>
          </div>
        </form>
      </Dialog>

      <Dialog open={open === 'data'} onClose={() => setOpen(null)} title={`Edit data of job ${job.id}`} className="w-[min(48rem,calc(100vw-2rem))]">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            run(() => updateJobAction({ params: t, body: { data: dataText } }), {
              onDone: (r) => {
                if (r.ok) setOpen(null);
                else setFieldErrors(r.error.fieldErrors ?? { data: [r.error.message] });
              },
            });
          }}
          className="space-y-3"
        >
          {dataLoad.status === 'loading' && <p className="text-sm text-zinc-500">Loading the job’s data…</p>}
          {dataLoad.status === 'error' && (
            <p role="alert" className="text-sm text-red-600 dark:text-red-400">
              {dataLoad.message}
            </p>
          )}
          {dataLoad.status === 'ready' && (
            <JsonEditor label="Data (JSON)" value={dataText} onChange={setDataText} rows={16} errors={Object.entries(fieldErrors).flatMap(([k, v]) => v.map((m) => (k === 'data' ? m : `${k}: ${m}`)))} />
          )}
          <p className="text-xs text-zinc-500">A running job keeps the data it started with; the new data is used by the next attempt.</p>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setOpen(null)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={pending || dataLoad.status !== 'ready' || !isValidJson(dataText)}>
              Save data
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

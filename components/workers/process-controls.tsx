'use client';
// Worker control on the Busy page (README › Workers › Controlling workers): a Drover process's state and
// its Quiet / Resume / Stop buttons (each confirmed), and per queue its concurrency on Drover workers and
// the local pause ("on Drover workers", beside the queue's own pause that stops every worker).
import { useState } from 'react';
import type { BusyProcess } from '@/lib/workers/busy-schemas';
import { pauseQueueLocallyAction, quietWorkerAction, resumeQueueLocallyAction, setWorkerConcurrencyAction, stopWorkerAction, unquietWorkerAction } from '@/app/actions';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { Input, Label } from '@/components/ui/input';
import { useRunAction } from '@/components/ui/use-run-action';

const STATE_TONE = { running: 'green', quiet: 'amber', stopping: 'red' } as const;
const STATE_TITLE = {
  running: 'Takes jobs',
  quiet: 'Quiet: finishes its running jobs, takes no new ones (Resume to take jobs again)',
  stopping: 'Stopping: exits once its running jobs end',
} as const;

export function ProcessStateBadge({ process: p }: { process: BusyProcess }) {
  if (!p.controllable || !p.state) return null;
  return (
    <Badge tone={STATE_TONE[p.state]} title={STATE_TITLE[p.state]}>
      <span data-testid="worker-state">{p.state}</span>
    </Badge>
  );
}

type Confirm = null | 'quiet' | 'stop';

export function ProcessControls({ conn, process: p }: { conn: string; process: BusyProcess }) {
  const { run, pending } = useRunAction();
  const [confirm, setConfirm] = useState<Confirm>(null);
  if (!p.controllable || p.state === 'stopping') return null;
  const params = { conn, runtimeId: p.key };
  return (
    <span className="flex gap-1.5">
      {p.state === 'quiet' ? (
        <Button size="sm" variant="primary" disabled={pending} onClick={() => run(() => unquietWorkerAction({ params }))}>
          Resume
        </Button>
      ) : (
        <Button size="sm" disabled={pending} onClick={() => setConfirm('quiet')}>
          Quiet
        </Button>
      )}
      <Button size="sm" disabled={pending} onClick={() => setConfirm('stop')}>
        Stop
      </Button>
      <ConfirmDialog
        open={confirm === 'quiet'}
        onClose={() => setConfirm(null)}
        danger={false}
        busy={pending}
        title={`Quiet ${p.name}?`}
        confirmLabel="Quiet"
        onConfirm={() => run(() => quietWorkerAction({ params }), { onDone: () => setConfirm(null) })}
      >
        It finishes the {p.jobsTotal} job{p.jobsTotal === 1 ? '' : 's'} it runs and takes no new ones until resumed. Other processes keep working.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'stop'}
        onClose={() => setConfirm(null)}
        busy={pending}
        title={`Stop ${p.name}?`}
        confirmLabel="Stop"
        onConfirm={() => run(() => stopWorkerAction({ params }), { onDone: () => setConfirm(null) })}
      >
        It takes no new jobs, finishes the {p.jobsTotal} it runs, then exits. Under <code className="font-mono">npm start</code> the console keeps running; under a
        supervisor (systemd, Kubernetes) the process is restarted: use Quiet to keep it idle.
      </ConfirmDialog>
    </span>
  );
}

/** One queue of a Drover process: its concurrency on Drover workers (editable) and its local pause. */
/** `maxConcurrency`: the console's own bound (workers.list's limits.concurrency), the one the server checks. */
export function QueueControls({ conn, queue, process: p, maxConcurrency }: { conn: string; queue: string; process: BusyProcess; maxConcurrency: number }) {
  const { run, pending } = useRunAction();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  if (!p.controllable) return null;
  const params = { conn, queue };
  const pausedHere = p.paused?.includes(queue) ?? false;
  return (
    <span className="inline-flex items-center gap-1">
      {pausedHere && (
        <Badge tone="amber" title="Paused on Drover workers only: other BullMQ workers of the queue go on">
          paused on Drover workers
        </Badge>
      )}
      <button
        type="button"
        className="text-zinc-500 underline decoration-dotted hover:text-zinc-800 dark:hover:text-zinc-200"
        aria-label={`Concurrency of ${queue} on Drover workers`}
        onClick={() => {
          setValue(String(p.concurrency?.[queue] ?? ''));
          setOpen(true);
        }}
      >
        set
      </button>
      <button
        type="button"
        disabled={pending}
        className="text-zinc-500 underline decoration-dotted hover:text-zinc-800 dark:hover:text-zinc-200"
        onClick={() => run(() => (pausedHere ? resumeQueueLocallyAction({ params }) : pauseQueueLocallyAction({ params })))}
      >
        {pausedHere ? 'resume on Drover workers' : 'pause on Drover workers'}
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Concurrency of ${queue} on Drover workers`}>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            const concurrency = value.trim() === '' ? null : Number(value);
            run(() => setWorkerConcurrencyAction({ params, body: { concurrency } }), { onDone: (r) => r.ok && setOpen(false) });
          }}
        >
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Jobs of this queue each Drover process runs at once (1–{maxConcurrency}), applied now without a restart and by processes started later. Empty: the job kind’s own.
            The queue’s global concurrency (Limits) is a different bound.
          </p>
          <Label>
            Concurrency
            <Input type="number" min={1} max={maxConcurrency} value={value} onChange={(e) => setValue(e.target.value)} />
          </Label>
          <div className="flex justify-end gap-2">
            <Button size="sm" type="button" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button size="sm" variant="primary" type="submit" disabled={pending}>
              Apply
            </Button>
          </div>
        </form>
      </Dialog>
    </span>
  );
}

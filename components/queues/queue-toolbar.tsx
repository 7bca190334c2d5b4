'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import type { QueueDetail } from '@/lib/queues/get-queue';
import type { JobKindSchemaSummary } from '@/lib/job-kinds/registry';
import type { Role } from '@/lib/auth/roles';
import { cleanQueueAction, drainQueueAction, obliterateQueueAction, pauseQueueAction, resumeQueueAction, setQueueLimitsAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { Input, Label, Select } from '@/components/ui/input';
import { formatExact } from '@/components/explorer/format';
import { useRunAction } from '@/components/ui/use-run-action';
import { AddJobDialog } from '@/components/jobs/add-job-dialog';
import { ProgressStatus, useOperationProgress } from '@/components/ui/use-operation-progress';
import { LinksEditorButton } from '@/components/links/links-editor';
import { ObjectivesButton } from '@/components/objectives/objectives-dialog';

type Open = null | 'add' | 'limits' | 'clean' | 'drain' | 'obliterate';
const AGES = [
  ['0', 'any age'],
  ['3600000', 'older than 1 hour'],
  ['86400000', 'older than 1 day'],
  ['604800000', 'older than 7 days'],
  ['2592000000', 'older than 30 days'],
] as const;

export function QueueToolbar({ conn, queue, detail, role, schema }: { conn: string; queue: string; detail: QueueDetail; role: Role; schema: JobKindSchemaSummary | null }) {
  const router = useRouter();
  const { run, pending } = useRunAction();
  const [open, setOpen] = useState<Open>(null);
  const [operationId, setOperationId] = useState<string | null>(null);
  const progress = useOperationProgress(operationId);
  const [limits, setLimits] = useState({ concurrency: '', max: '', duration: '' });
  const [clean, setClean] = useState({ state: 'completed', age: '86400000' });
  const [includeDelayed, setIncludeDelayed] = useState(false);
  const [force, setForce] = useState(false);
  const t = { conn, queue };
  const isAdmin = role === 'admin';
  const waitingTotal = detail.counts.waiting + detail.counts.prioritized + (includeDelayed ? detail.counts.delayed : 0);
  const cleanCount = detail.counts[clean.state as keyof typeof detail.counts] ?? 0;

  function withOperation<T>(fn: (operationId: string) => Promise<T>) {
    const id = crypto.randomUUID();
    setOperationId(id);
    return fn(id).finally(() => setOperationId(null));
  }

  return (
    <>
      {detail.paused ? (
        <Button size="sm" variant="primary" disabled={pending} onClick={() => run(() => resumeQueueAction({ params: t }))}>
          Resume
        </Button>
      ) : (
        <Button size="sm" disabled={pending} onClick={() => run(() => pauseQueueAction({ params: t }))}>
          Pause
        </Button>
      )}
      <Button size="sm" variant="primary" onClick={() => setOpen('add')}>
        Add job
      </Button>
      <Button
        size="sm"
        onClick={() => {
          setLimits({
            concurrency: detail.globalConcurrency ? String(detail.globalConcurrency) : '',
            max: detail.globalRateLimit ? String(detail.globalRateLimit.max) : '',
            duration: detail.globalRateLimit ? String(detail.globalRateLimit.duration) : '',
          });
          setOpen('limits');
        }}
      >
        Limits
      </Button>
      <Button size="sm" onClick={() => setOpen('clean')}>
        Clean…
      </Button>
      <ObjectivesButton conn={conn} queue={queue} />
      {isAdmin && (
        <>
          <LinksEditorButton conn={conn} queue={queue} />
          <Button size="sm" variant="danger" onClick={() => setOpen('drain')}>
            Drain…
          </Button>
          <Button size="sm" variant="danger" onClick={() => { setForce(false); setOpen('obliterate'); }}>
            Obliterate…
          </Button>
        </>
      )}
      <ProgressStatus progress={progress} />

      {open === 'add' && <AddJobDialog conn={conn} queue={queue} schema={schema} open onClose={() => setOpen(null)} />}

      <Dialog open={open === 'limits'} onClose={() => setOpen(null)} title={`Limits of ${queue}`}>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            run(
              () =>
                setQueueLimitsAction({
                  params: t,
                  body: {
                    concurrency: limits.concurrency ? Number(limits.concurrency) : null,
                    rateLimit: limits.max && limits.duration ? { max: Number(limits.max), duration: Number(limits.duration) } : null,
                  },
                }),
              { onDone: (r) => r.ok && setOpen(null) },
            );
          }}
        >
          <p className="text-xs text-zinc-500">Queue-wide, across every worker. Leave empty for no limit.</p>
          <div>
            <Label htmlFor="limit-concurrency">Global concurrency (jobs running at once)</Label>
            <Input id="limit-concurrency" inputMode="numeric" value={limits.concurrency} onChange={(e) => setLimits({ ...limits, concurrency: e.target.value.replace(/\D/g, '') })} />
          </div>
          <div className="grid grid-cols-2 gap-3">
            <div>
              <Label htmlFor="limit-max">Rate limit: at most … jobs</Label>
              <Input id="limit-max" inputMode="numeric" value={limits.max} onChange={(e) => setLimits({ ...limits, max: e.target.value.replace(/\D/g, '') })} />
            </div>
            <div>
              <Label htmlFor="limit-duration">… per milliseconds</Label>
              <Input id="limit-duration" inputMode="numeric" value={limits.duration} onChange={(e) => setLimits({ ...limits, duration: e.target.value.replace(/\D/g, '') })} />
            </div>
          </div>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setOpen(null)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={pending || Boolean(limits.max) !== Boolean(limits.duration)}>
              Save limits
            </Button>
          </div>
        </form>
      </Dialog>

      <ConfirmDialog
        open={open === 'clean'}
        onClose={() => setOpen(null)}
        title={`Clean ${queue}`}
        confirmLabel="Remove jobs"
        blastRadius={{ count: cleanCount }}
        busy={pending}
        onConfirm={() =>
          run(() => withOperation((operationId) => cleanQueueAction({ params: t, body: { state: clean.state as 'completed', olderThanMs: Number(clean.age), operationId } })), {
            onDone: () => setOpen(null),
          })
        }
      >
        <div className="grid grid-cols-2 gap-3">
          <div>
            <Label htmlFor="clean-state">State</Label>
            <Select id="clean-state" value={clean.state} onChange={(e) => setClean({ ...clean, state: e.target.value })}>
              {(isAdmin ? ['completed', 'failed', 'delayed', 'waiting', 'prioritized'] : ['completed', 'failed']).map((s) => (
                <option key={s}>{s}</option>
              ))}
            </Select>
          </div>
          <div>
            <Label htmlFor="clean-age">Age</Label>
            <Select id="clean-age" value={clean.age} onChange={(e) => setClean({ ...clean, age: e.target.value })}>
              {AGES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </Select>
          </div>
        </div>
        <p>
          Removes {clean.age === '0' ? 'all' : 'the'} <strong>{clean.state}</strong> jobs{clean.age === '0' ? '' : ` ${AGES.find((a) => a[0] === clean.age)?.[1]}`} — up to{' '}
          <strong>{formatExact(cleanCount)}</strong> job{cleanCount === 1 ? '' : 's'} — with their logs, in batches of 1,000. This cannot be undone.
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={open === 'drain'}
        onClose={() => setOpen(null)}
        title={`Drain ${queue}`}
        confirmLabel={`Remove ${formatExact(waitingTotal)} jobs`}
        // It empties the queue's waiting work: above the threshold the queue's name is typed, not a count.
        blastRadius={{ count: waitingTotal, queue }}
        busy={pending}
        onConfirm={() => run(() => withOperation((operationId) => drainQueueAction({ params: t, body: { includeDelayed, operationId } })), { onDone: () => setOpen(null) })}
      >
        <p>
          Removes every waiting and prioritized job{includeDelayed ? ' and every delayed job' : ''}: <strong>{formatExact(waitingTotal)}</strong> job
          {waitingTotal === 1 ? '' : 's'}, in batches of 1,000 so the store stays responsive. Running jobs finish; completed and failed jobs stay.
        </p>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={includeDelayed} onChange={(e) => setIncludeDelayed(e.target.checked)} /> Also remove {formatExact(detail.counts.delayed)} delayed jobs
        </label>
      </ConfirmDialog>

      <ConfirmDialog
        open={open === 'obliterate'}
        onClose={() => setOpen(null)}
        title={`Obliterate ${queue}`}
        confirmLabel="Obliterate queue"
        // Always typed, whatever the count: it deletes the queue itself (schedulers, limits), not only jobs.
        typeToConfirm={queue}
        busy={pending}
        onConfirm={() =>
          run(() => obliterateQueueAction({ params: t, body: { confirm: queue, force } }), {
            onDone: (r) => {
              setOpen(null);
              if (r.ok) router.push('/');
            },
          })
        }
      >
        <p>
          Deletes the queue and <strong>all {formatExact(Object.values(detail.counts).reduce((a, b) => a + b, 0))} of its jobs</strong> in every state, with their logs and
          schedulers. This cannot be undone.
        </p>
        {detail.counts.active > 0 && (
          <label className="flex items-center gap-2 text-red-700 dark:text-red-400">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> {detail.counts.active} job(s) are running: obliterate anyway
          </label>
        )}
      </ConfirmDialog>
    </>
  );
}

'use client';
// "Act on all matches": a bulk action on everything the search's query matches, not just the rows shown.
// The dialog counts the matches first (a dry run: "at least N" while the scan runs, exact when it ends),
// then starts the operation at a chosen rate; the panel under the search follows it (progress bar, pause,
// resume, cancel) and shows the final report: done, skipped because the job changed meanwhile, failed.
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Role } from '@/lib/auth/roles';
import type { BulkQueryAction, BulkQueryStatus, CountAnswer } from '@/lib/jobs/query/schemas';
import { BULK_QUERY_DEFAULT_RATE, BULK_QUERY_MAX_RATE } from '@/lib/jobs/query/schemas';
import { bulkQueryAction, bulkQueryControlAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Input, Label, Select } from '@/components/ui/input';
import { useRunAction } from '@/components/ui/use-run-action';
import { fetchJson } from '@/components/explorer/api-client';
import { apiQueuePath, formatExact } from '@/components/explorer/format';

const LABEL: Record<BulkQueryAction, string> = {
  retry: 'Retry',
  remove: 'Remove',
  promote: 'Promote',
  fail: 'Fail permanently',
  'dead-letter': 'Send to DLQ',
  priority: 'Change priority',
  delay: 'Change delay',
};
const EFFECT: Record<BulkQueryAction, string> = {
  retry: 'failed or completed jobs move back to waiting and run again',
  remove: 'jobs are deleted with their logs; this cannot be undone',
  promote: 'delayed jobs run now',
  fail: 'jobs that have not run move to failed without running',
  'dead-letter': "failed jobs are copied into the connection's dead-letter queue",
  priority: 'waiting and prioritized jobs take the new priority',
  delay: 'delayed jobs take the new delay, counted from now',
};
const DANGER = new Set<BulkQueryAction>(['remove', 'fail']);
const TERMINAL = new Set(['done', 'cancelled', 'failed']);

type Count = { matched: number; complete: boolean; scanned: number; total: number; byState: Record<string, number>; error: string | null };

/** Counts the query's matches step by step while `active`; restarts when the query changes. */
function useMatchCount(conn: string, queue: string, q: string, within: string, active: boolean): Count | null {
  const [count, setCount] = useState<Count | null>(null);
  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    void (async () => {
      let cursor: string | null = null;
      setCount({ matched: 0, complete: false, scanned: 0, total: 0, byState: {}, error: null });
      try {
        do {
          const params = new URLSearchParams({ q, state: within });
          if (cursor) params.set('cursor', cursor);
          const step: CountAnswer = await fetchJson<CountAnswer>(`${apiQueuePath(conn, queue)}/count?${params}`, { signal: controller.signal });
          if (controller.signal.aborted) return;
          cursor = step.cursor;
          setCount({ matched: step.matched, complete: cursor === null, scanned: step.scannedSoFar, total: step.total, byState: step.byState, error: null });
        } while (cursor);
      } catch (err) {
        if (!controller.signal.aborted) setCount((c) => ({ ...(c ?? { matched: 0, scanned: 0, total: 0, byState: {} }), complete: false, error: (err as Error).message }));
      }
    })();
    return () => controller.abort();
  }, [conn, queue, q, within, active]);
  return active ? count : null;
}

export function QueryBulk({ conn, queue, q, within, role, onDone }: { conn: string; queue: string; q: string; within: string; role?: Role; onDone?: () => void }) {
  const [open, setOpen] = useState(false);
  const [action, setAction] = useState<BulkQueryAction>('retry');
  const [rate, setRate] = useState(String(BULK_QUERY_DEFAULT_RATE));
  const [priority, setPriority] = useState('1');
  const [delaySeconds, setDelaySeconds] = useState('60');
  const [operationId, setOperationId] = useState<string | null>(null);
  const { run, pending } = useRunAction();
  const count = useMatchCount(conn, queue, q, within, open);
  const rateNumber = Number(rate);
  const rateOk = Number.isInteger(rateNumber) && rateNumber >= 1 && rateNumber <= BULK_QUERY_MAX_RATE;
  const ready = count?.complete === true && count.matched > 0 && rateOk;
  const actions = (Object.keys(LABEL) as BulkQueryAction[]).filter((a) => role === 'admin' || role === 'operator' || a === 'retry');

  return (
    <div className="space-y-2">
      <Button size="sm" onClick={() => setOpen(true)} data-testid="query-bulk-open">
        Act on all matches…
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Act on every job the query matches"
        danger={DANGER.has(action)}
        busy={pending}
        disabled={!ready}
        blastRadius={{ count: count?.complete ? count.matched : null }}
        confirmLabel={count?.complete ? `${LABEL[action]} ${formatExact(count.matched)} job${count.matched === 1 ? '' : 's'} at ${rateOk ? formatExact(rateNumber) : '?'}/s` : 'Counting…'}
        onConfirm={() => {
          const id = crypto.randomUUID();
          setOpen(false);
          run(
            () =>
              bulkQueryAction({
                params: { conn, queue },
                body: {
                  q,
                  state: within as 'all',
                  action,
                  rate: rateNumber,
                  operationId: id,
                  ...(action === 'priority' ? { priority: Number(priority) } : {}),
                  ...(action === 'delay' ? { delayMs: Math.round(Number(delaySeconds) * 1000) } : {}),
                },
              }),
            { onDone: (r) => r.ok && setOperationId(id) },
          );
        }}
      >
        <p className="font-mono text-xs break-all" data-testid="query-bulk-query">
          {q}
          {within !== 'all' ? ` (in ${within})` : ''}
        </p>
        <p role="status" data-testid="query-bulk-count">
          {!count || (!count.complete && !count.error)
            ? `Counting… at least ${formatExact(count?.matched ?? 0)} match${count?.matched === 1 ? '' : 'es'} (scanned ${formatExact(count?.scanned ?? 0)} of ${formatExact(count?.total ?? 0)})`
            : count.error
              ? `Counting stopped: ${count.error}`
              : `${formatExact(count.matched)} job${count.matched === 1 ? '' : 's'} match${count.matched === 1 ? 'es' : ''}${
                  Object.keys(count.byState).length ? `: ${Object.entries(count.byState).map(([s, n]) => `${formatExact(n)} ${s}`).join(', ')}` : ''
                }`}
        </p>
        <div className="grid grid-cols-2 gap-3">
          <div>
            <Label htmlFor="query-bulk-action">Action</Label>
            <Select id="query-bulk-action" value={action} onChange={(e) => setAction(e.target.value as BulkQueryAction)}>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {LABEL[a]}
                </option>
              ))}
            </Select>
          </div>
          <div>
            <Label htmlFor="query-bulk-rate">Jobs per second at most</Label>
            <Input id="query-bulk-rate" inputMode="numeric" value={rate} onChange={(e) => setRate(e.target.value)} aria-invalid={!rateOk || undefined} />
          </div>
          {action === 'priority' && (
            <div>
              <Label htmlFor="query-bulk-priority">New priority (0 = none)</Label>
              <Input id="query-bulk-priority" inputMode="numeric" value={priority} onChange={(e) => setPriority(e.target.value)} />
            </div>
          )}
          {action === 'delay' && (
            <div>
              <Label htmlFor="query-bulk-delay">New delay, seconds from now</Label>
              <Input id="query-bulk-delay" inputMode="numeric" value={delaySeconds} onChange={(e) => setDelaySeconds(e.target.value)} />
            </div>
          )}
        </div>
        <p className="text-xs">
          {EFFECT[action]}. Each job is checked again just before: one that changed state, vanished or no longer matches is skipped and reported. At{' '}
          {rateOk ? formatExact(rateNumber) : '?'} jobs per second, {count?.complete && rateOk ? `about ${formatDuration(count.matched / rateNumber)}` : '…'}.
        </p>
      </ConfirmDialog>
      {operationId && <QueryBulkProgress id={operationId} onEnd={onDone} onDismiss={() => setOperationId(null)} />}
    </div>
  );
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Follows a running operation: polls its status until it ends, with pause/resume/cancel. */
export function QueryBulkProgress({ id, onEnd, onDismiss }: { id: string; onEnd?: () => void; onDismiss: () => void }) {
  const { run, pending } = useRunAction();
  const ended = useRef(false);
  const { data: status, error } = useQuery({
    queryKey: ['bulk-operation', id],
    queryFn: ({ signal }) => fetchJson<BulkQueryStatus>(`/api/v1/bulk-operations/${id}`, { signal }),
    refetchInterval: (query) => (query.state.data && TERMINAL.has(query.state.data.phase) ? false : 500),
  });
  useEffect(() => {
    if (status && TERMINAL.has(status.phase) && !ended.current) {
      ended.current = true;
      onEnd?.();
    }
  }, [status, onEnd]);
  const control = (command: 'pause' | 'resume' | 'cancel') => run(() => bulkQueryControlAction({ params: { id }, body: { command } }), { quiet: true });
  const pct = status && status.matched > 0 ? Math.min(100, (status.done / status.matched) * 100) : 0;
  return (
    <section aria-label="Bulk operation" data-testid="query-bulk-progress" className="space-y-1.5 rounded-md border border-zinc-200 p-2.5 text-xs dark:border-zinc-800">
      <div className="flex items-center gap-3">
        <div
          className="h-1.5 w-56 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={status?.matched ?? 0}
          aria-valuenow={status?.done ?? 0}
          aria-label="Jobs handled"
        >
          <div className="h-full bg-indigo-500 transition-[width]" style={{ width: `${pct}%` }} />
        </div>
        <span data-testid="query-bulk-phase" className="font-medium">
          {status?.phase ?? 'starting'}
        </span>
        <span className="text-zinc-600 dark:text-zinc-400" data-testid="query-bulk-message">
          {error ? (error as Error).message : status?.message}
        </span>
        <span className="ml-auto flex gap-1.5">
          {status && (status.phase === 'running' || status.phase === 'collecting') && (
            <Button size="sm" disabled={pending} onClick={() => control('pause')}>
              Pause
            </Button>
          )}
          {status?.phase === 'paused' && (
            <Button size="sm" disabled={pending} onClick={() => control('resume')}>
              Resume
            </Button>
          )}
          {status && !TERMINAL.has(status.phase) && (
            <Button size="sm" variant="danger" disabled={pending} onClick={() => control('cancel')}>
              Cancel
            </Button>
          )}
          {status && TERMINAL.has(status.phase) && (
            <Button size="sm" variant="ghost" onClick={onDismiss}>
              Dismiss
            </Button>
          )}
        </span>
      </div>
      {status && TERMINAL.has(status.phase) && (
        <div data-testid="query-bulk-report">
          <p>
            Matched {formatExact(status.matched)}: {formatExact(status.succeeded)} done, {formatExact(status.skipped)} skipped (changed meanwhile), {formatExact(status.failed)} failed.
          </p>
          {status.problems.length > 0 && (
            <ul className="mt-1 max-h-40 overflow-auto font-mono text-[11px] text-zinc-600 dark:text-zinc-400">
              {status.problems.map((p, i) => (
                <li key={`${p.id}-${i}`}>
                  {p.outcome} {p.id}: {p.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

'use client';
import type { Role } from '@/lib/auth/roles';
import { isUnprocessedState } from '@/lib/jobs/unprocessed-work';
import { useState } from 'react';
import { bulkJobsAction } from '@/app/actions';
import type { BulkInput } from '@/lib/jobs/schemas';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { formatExact } from '@/components/explorer/format';
import { useRunAction } from '@/components/ui/use-run-action';
import { ProgressStatus, useOperationProgress } from '@/components/ui/use-operation-progress';

type Verb = 'retry' | 'remove' | 'promote' | 'fail' | 'dead-letter';
const LABEL: Record<Verb, string> = { retry: 'Retry', remove: 'Remove', promote: 'Promote', fail: 'Fail permanently', 'dead-letter': 'Send to DLQ' };
const EFFECT: Record<Verb, string> = {
  retry: 'move back to waiting and run again (attempts made are kept)',
  remove: 'are deleted with their logs; this cannot be undone',
  promote: 'run now instead of waiting for their delay',
  fail: 'move to failed without running (running ones are skipped)',
  'dead-letter': "are copied into the connection's dead-letter queue, where they can be requeued later (they stay in failed here; ones already there are not copied twice)",
};

type Pending = { input: BulkInput; title: string; count: number; verb: Verb };

/**
 * Bulk actions on a selection, on everything a search matched, or on a whole state. Every one asks
 * for confirmation with the exact number of jobs, then reports progress for long runs.
 */
export function BulkToolbar({
  conn,
  queue,
  state,
  stateCount,
  selectedIds,
  scope,
  role,
  onDone,
}: {
  conn: string;
  queue: string;
  /** set for "all in this state" buttons */
  state?: string;
  stateCount?: number;
  selectedIds: string[];
  /** "selected" rows of a page, or "matching" search results */
  scope: 'selected' | 'matching';
  /** below admin, unprocessed jobs are removed or failed one at a time (lib/jobs/unprocessed-work.ts) */
  role?: Role;
  onDone?: () => void;
}) {
  const { run, pending } = useRunAction();
  const [confirm, setConfirm] = useState<Pending | null>(null);
  const [operationId, setOperationId] = useState<string | null>(null);
  const progress = useOperationProgress(operationId);
  // "Send to DLQ" only where the rows are failed jobs (workers Drover does not run never capture them).
  const idVerbs: Verb[] = state === 'failed' ? ['retry', 'promote', 'fail', 'dead-letter', 'remove'] : ['retry', 'promote', 'fail', 'remove'];
  const unprocessedInBulk = role !== 'admin' && state !== undefined && isUnprocessedState(state);
  const allowed = (verb: Verb, many: boolean) => !(unprocessedInBulk && many && (verb === 'remove' || verb === 'fail'));
  const stateVerbs: Verb[] =
    state === 'failed'
      ? ['retry', 'dead-letter', 'remove']
      : state === 'completed'
        ? ['retry', 'remove']
        : state === 'delayed'
          ? ['promote', 'remove']
          : state === 'waiting' || state === 'prioritized'
            ? ['remove']
            : [];

  const ask = (verb: Verb, all: boolean) => {
    const count = all ? (stateCount ?? 0) : selectedIds.length;
    const input: BulkInput = all
      ? { action: verb as 'retry', state: state as 'failed' }
      : { action: verb as 'retry', ids: selectedIds };
    const what = all ? `all ${formatExact(count)} ${state} jobs` : `${formatExact(count)} ${scope} job${count === 1 ? '' : 's'}`;
    setConfirm({ input, count, verb, title: `${LABEL[verb]} ${what}` });
  };

  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid={`bulk-${scope}`}>
      {selectedIds.length > 0 && (
        <>
          <span className="text-xs text-zinc-600 dark:text-zinc-400">
            {formatExact(selectedIds.length)} {scope}:
          </span>
          {idVerbs.filter((verb) => allowed(verb, selectedIds.length > 1)).map((verb) => (
            <Button key={verb} size="sm" variant={verb === 'remove' || verb === 'fail' ? 'danger' : 'secondary'} disabled={pending} onClick={() => ask(verb, false)}>
              {LABEL[verb]} {scope === 'matching' ? `all ${formatExact(selectedIds.length)}` : ''}
            </Button>
          ))}
        </>
      )}
      {state && stateCount !== undefined && stateCount > 0 && stateVerbs.length > 0 && (
        <span className="ml-auto flex gap-2">
          {stateVerbs.filter((verb) => allowed(verb, true)).map((verb) => (
            <Button key={verb} size="sm" variant={verb === 'remove' ? 'danger' : 'secondary'} disabled={pending} onClick={() => ask(verb, true)}>
              {LABEL[verb]} all {formatExact(stateCount)}
            </Button>
          ))}
        </span>
      )}
      <ProgressStatus progress={progress} />
      <ConfirmDialog
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm?.title ?? ''}
        confirmLabel={confirm ? `${LABEL[confirm.verb]} ${formatExact(confirm.count)} jobs` : ''}
        danger={confirm?.verb === 'remove' || confirm?.verb === 'fail'}
        busy={pending}
        onConfirm={() => {
          const pendingAction = confirm!;
          const id = crypto.randomUUID();
          setOperationId(id);
          run(() => bulkJobsAction({ params: { conn, queue }, body: { ...pendingAction.input, operationId: id } }), {
            onDone: () => {
              setOperationId(null);
              setConfirm(null);
              onDone?.();
            },
          });
        }}
      >
        <p>
          {confirm && (
            <>
              <strong>{formatExact(confirm.count)}</strong> job{confirm.count === 1 ? '' : 's'} in <strong>{queue}</strong> {EFFECT[confirm.verb]}. Jobs that moved meanwhile are
              skipped and reported.
            </>
          )}
        </p>
      </ConfirmDialog>
    </div>
  );
}

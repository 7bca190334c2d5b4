'use client';
import type { Role } from '@/lib/auth/roles';
import { isUnprocessedState } from '@/lib/jobs/unprocessed-work';
import { DEAD_LETTER_FROM, actionsForAll, wholeStateActionsFor, type JobAction } from '@/lib/jobs/transitions';
import { useState } from 'react';
import { bulkJobsAction } from '@/app/actions';
import type { BulkInput } from '@/lib/jobs/schemas';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { approximateMark, formatExact } from '@/components/explorer/format';
import { useRunAction } from '@/components/ui/use-run-action';
import { ProgressStatus, useOperationProgress } from '@/components/ui/use-operation-progress';

type Verb = JobAction | 'dead-letter';
const ORDER: Verb[] = ['retry', 'promote', 'fail', 'dead-letter', 'remove'];
const LABEL: Record<Verb, string> = { retry: 'Retry', remove: 'Remove', promote: 'Promote', fail: 'Fail permanently', 'dead-letter': 'Send to DLQ' };
const EFFECT: Record<Verb, string> = {
  retry: 'move back to waiting and run again (attempts made are kept)',
  remove: 'are deleted with their logs; this cannot be undone',
  promote: 'run now instead of waiting for their delay',
  fail: 'move to failed without running (running ones are skipped)',
  'dead-letter': "are copied into the connection's dead-letter queue, where they can be requeued later (they stay in failed here; ones already there are not copied twice)",
};
const DANGER: ReadonlySet<Verb> = new Set(['remove', 'fail']);

/** Jobs named by id, with the states they were shown in (so only actions that fit them all are offered). */
export type JobSet = { ids: string[]; states: string[] };

/** What the "… all" buttons act on: a whole state of the queue, or every job a search matched. */
export type WholeSet = { kind: 'state'; state: string; count: number; /** the count is an estimate (a long PostgreSQL state): shown "≈" */ approximate?: boolean } | { kind: 'matching'; jobs: JobSet };

type Pending = { input: BulkInput; title: string; count: number; verb: Verb };

/** The verbs that fit jobs in `states`: the domain's state rules (lib/jobs/transitions.ts), in one order. */
function verbsForJobs(states: string[]): Verb[] {
  const verbs = new Set<Verb>(actionsForAll(states));
  if (states.length > 0 && states.every((s) => DEAD_LETTER_FROM.includes(s))) verbs.add('dead-letter');
  return ORDER.filter((v) => verbs.has(v));
}

function verbsForState(state: string): Verb[] {
  const verbs = new Set<Verb>(wholeStateActionsFor(state));
  if (DEAD_LETTER_FROM.includes(state)) verbs.add('dead-letter');
  return ORDER.filter((v) => verbs.has(v));
}

/**
 * Bulk actions on the ticked rows (a bar floating at the bottom of the window while anything is
 * selected), and on a whole state or everything a search matched (inline "… all N" buttons). Only
 * actions that fit the jobs' states are offered; every one confirms with the exact number of jobs, by
 * the one confirmation rule (components/ui/confirm-rule.ts), then reports progress for long runs.
 */
export function BulkToolbar({
  conn,
  queue,
  selection,
  whole,
  role,
  onDone,
  onClearSelection,
}: {
  conn: string;
  queue: string;
  /** the ticked rows */
  selection?: JobSet;
  /** the "… all N" buttons */
  whole?: WholeSet;
  /** below admin, unprocessed jobs are removed or failed one at a time (lib/jobs/unprocessed-work.ts) */
  role?: Role;
  onDone?: () => void;
  onClearSelection?: () => void;
}) {
  const { run, pending } = useRunAction();
  const [confirm, setConfirm] = useState<Pending | null>(null);
  const [operationId, setOperationId] = useState<string | null>(null);
  const progress = useOperationProgress(operationId);
  // Removing or failing unprocessed jobs more than one at a time is an admin's call: not offered below.
  const allowed = (states: string[], count: number) => (verb: Verb) =>
    !(role !== 'admin' && count > 1 && (verb === 'remove' || verb === 'fail') && states.some(isUnprocessedState));

  const askIds = (verb: Verb, ids: string[], what: string) =>
    setConfirm({ input: { action: verb as 'retry', ids }, count: ids.length, verb, title: `${LABEL[verb]} ${formatExact(ids.length)} ${what} job${ids.length === 1 ? '' : 's'}` });
  const askState = (verb: Verb, state: string, count: number, approximate = false) =>
    setConfirm({ input: { action: verb as 'retry', state: state as 'failed' }, count, verb, title: `${LABEL[verb]} all ${approximateMark(approximate)}${formatExact(count)} ${state} jobs` });

  const selected = selection && selection.ids.length > 0 ? selection : null;
  const selectedVerbs = selected ? verbsForJobs(selected.states).filter(allowed(selected.states, selected.ids.length)) : [];
  const wholeCount = whole ? (whole.kind === 'state' ? whole.count : whole.jobs.ids.length) : 0;
  const wholeVerbs = !whole || wholeCount === 0 ? [] : whole.kind === 'state' ? verbsForState(whole.state).filter(allowed([whole.state], wholeCount)) : verbsForJobs(whole.jobs.states).filter(allowed(whole.jobs.states, wholeCount));

  return (
    <>
      {wholeVerbs.length > 0 && whole && (
        <span className="flex flex-wrap items-center gap-2 text-sm" data-testid={`bulk-${whole.kind === 'state' ? 'state' : 'matching'}`}>
          {wholeVerbs.map((verb) => (
            <Button
              key={verb}
              size="sm"
              variant={DANGER.has(verb) ? 'danger' : 'secondary'}
              disabled={pending}
              onClick={() => (whole.kind === 'state' ? askState(verb, whole.state, whole.count, whole.approximate) : askIds(verb, whole.jobs.ids, 'matching'))}
            >
              {LABEL[verb]} all {approximateMark(whole.kind === 'state' && whole.approximate === true)}
              {formatExact(wholeCount)}
            </Button>
          ))}
        </span>
      )}
      {selected && (
        // Fixed to the bottom of the window: it stays in reach while rows far down the page are ticked.
        <div
          role="region"
          aria-label="Selected jobs"
          data-testid="bulk-selected"
          className="fixed inset-x-0 bottom-4 z-30 mx-auto flex w-fit max-w-[calc(100vw-2rem)] flex-wrap items-center gap-2 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <span className="text-xs font-medium text-zinc-700 dark:text-zinc-300">{formatExact(selected.ids.length)} selected</span>
          {selectedVerbs.map((verb) => (
            <Button key={verb} size="sm" variant={DANGER.has(verb) ? 'danger' : 'secondary'} disabled={pending} onClick={() => askIds(verb, selected.ids, 'selected')}>
              {LABEL[verb]}
            </Button>
          ))}
          {selectedVerbs.length === 0 && <span className="text-xs text-zinc-500">no bulk action fits these jobs together</span>}
          {onClearSelection && (
            <Button size="sm" variant="ghost" onClick={onClearSelection}>
              Clear selection
            </Button>
          )}
        </div>
      )}
      <ProgressStatus progress={progress} />
      <ConfirmDialog
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm?.title ?? ''}
        confirmLabel={confirm ? `${LABEL[confirm.verb]} ${formatExact(confirm.count)} job${confirm.count === 1 ? '' : 's'}` : ''}
        danger={confirm ? DANGER.has(confirm.verb) : false}
        blastRadius={confirm ? { count: confirm.count } : undefined}
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
    </>
  );
}

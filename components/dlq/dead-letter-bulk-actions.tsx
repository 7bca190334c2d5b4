'use client';
// Requeue (operator) and purge (admin) of the selected dead letters or of every match of the filter.
// Every one asks for confirmation with the number it acts on, by the console's one rule for bulk
// actions (components/ui/confirm-rule.ts): above 100, or an uncounted filter, the count (or "all") is typed.
import { useState } from 'react';
import { requeueDeadLettersAction, purgeDeadLettersAction } from '@/app/actions';
import type { DeadLetterFilter } from '@/lib/dlq/filter';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { formatExact } from '@/components/explorer/format';
import { useRunAction } from '@/components/ui/use-run-action';
import { ProgressStatus, useOperationProgress } from '@/components/ui/use-operation-progress';

type Pending = { verb: 'requeue' | 'purge'; scope: 'selected' | 'matching'; count: number | null };

export function DeadLetterBulkActions({
  conn,
  selectedIds,
  filter,
  matching,
  canRequeue,
  canPurge,
  onDone,
}: {
  conn: string;
  selectedIds: string[];
  filter: DeadLetterFilter;
  /** how many match the filter; null when not counted (a long walk) */
  matching: number | null;
  canRequeue: boolean;
  canPurge: boolean;
  onDone: () => void;
}) {
  const { run, pending } = useRunAction();
  const [confirm, setConfirm] = useState<Pending | null>(null);
  const [operationId, setOperationId] = useState<string | null>(null);
  const progress = useOperationProgress(operationId);
  const n = (count: number | null) => (count === null ? 'all' : formatExact(count));
  const what = (p: Pending) =>
    p.scope === 'selected' ? `${formatExact(p.count ?? 0)} selected dead letter${p.count === 1 ? '' : 's'}` : `${p.count === null ? 'every' : `all ${formatExact(p.count)}`} matching dead letter${p.count === 1 ? '' : 's'}`;

  const execute = (p: Pending) => {
    const id = crypto.randomUUID();
    setOperationId(id);
    const request = p.scope === 'selected' ? { ids: selectedIds, operationId: id } : { filter, operationId: id };
    const done = {
      onDone: () => {
        setOperationId(null);
        setConfirm(null);
        onDone();
      },
    };
    if (p.verb === 'requeue') run(() => requeueDeadLettersAction({ params: { conn }, body: request }), done);
    else run(() => purgeDeadLettersAction({ params: { conn }, body: request }), done);
  };

  const hasMatches = matching === null || matching > 0;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="dlq-actions">
      {selectedIds.length > 0 && (
        <>
          {canRequeue && (
            <Button size="sm" disabled={pending} onClick={() => setConfirm({ verb: 'requeue', scope: 'selected', count: selectedIds.length })}>
              Requeue {formatExact(selectedIds.length)} selected
            </Button>
          )}
          {canPurge && (
            <Button size="sm" variant="danger" disabled={pending} onClick={() => setConfirm({ verb: 'purge', scope: 'selected', count: selectedIds.length })}>
              Purge {formatExact(selectedIds.length)} selected
            </Button>
          )}
        </>
      )}
      {hasMatches && (
        <span className="ml-auto flex gap-2">
          {canRequeue && (
            <Button size="sm" disabled={pending} onClick={() => setConfirm({ verb: 'requeue', scope: 'matching', count: matching })}>
              Requeue {n(matching)} matching
            </Button>
          )}
          {canPurge && (
            <Button size="sm" variant="danger" disabled={pending} onClick={() => setConfirm({ verb: 'purge', scope: 'matching', count: matching })}>
              Purge {n(matching)} matching…
            </Button>
          )}
        </span>
      )}
      <ProgressStatus progress={progress} />
      <ConfirmDialog
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm ? `${confirm.verb === 'requeue' ? 'Requeue' : 'Purge'} ${what(confirm)}` : ''}
        confirmLabel={confirm ? `${confirm.verb === 'requeue' ? 'Requeue' : 'Purge'} ${n(confirm.count)} dead letter${confirm.count === 1 ? '' : 's'}` : ''}
        danger={confirm?.verb === 'purge'}
        blastRadius={confirm ? { count: confirm.count } : undefined}
        busy={pending}
        onConfirm={() => execute(confirm!)}
      >
        {confirm?.verb === 'requeue' ? (
          <p>
            Each goes back to its origin queue as a fresh job (attempts start again, same name, data and options). A dead letter is removed only once its new
            job exists; one being requeued by someone else is skipped. Up to 100,000 per run.
          </p>
        ) : (
          <p>
            {confirm && <strong>{confirm.count === null ? 'Every matching' : formatExact(confirm.count)}</strong>} dead letter{confirm?.count === 1 ? ' is' : 's are'} deleted for good,
            envelope and data. The origin jobs are not touched. This cannot be undone; export them first if you may need them.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}

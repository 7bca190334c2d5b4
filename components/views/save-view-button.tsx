'use client';
// "Save as view": names the search shown (its query and state) as a view of the queue, private or
// (operator and up) shared, then opens the view's own URL.
import { useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { createViewAction } from '@/app/actions';
import type { JobState } from '@/lib/jobs/job-states';
import { hasRole, type Role } from '@/lib/auth/roles';
import { VIEW_NAME_MAX_CHARS, viewPath, type ViewVisibility } from '@/lib/views/view';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { useRunAction } from '@/components/ui/use-run-action';

export function SaveViewButton({
  conn,
  queue,
  query,
  within,
  role,
  columns = [],
  order = 'newest',
}: {
  conn: string;
  queue: string;
  query: string;
  within: 'all' | JobState;
  role: Role;
  /** the data columns shown (cols=) */
  columns?: string[];
  /** the order of the matches shown (order=) */
  order?: 'newest' | 'oldest';
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        Save as view
      </Button>
      {open && <SaveViewDialog conn={conn} queue={queue} query={query} within={within} columns={columns} order={order} canShare={hasRole(role, 'operator')} onClose={() => setOpen(false)} />}
    </>
  );
}

function SaveViewDialog({
  conn,
  queue,
  query,
  within,
  columns,
  order,
  canShare,
  onClose,
}: {
  conn: string;
  queue: string;
  query: string;
  within: 'all' | JobState;
  columns: string[];
  order: 'newest' | 'oldest';
  canShare: boolean;
  onClose: () => void;
}) {
  const router = useRouter();
  const { run, pending } = useRunAction();
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<ViewVisibility>('private');
  const [errors, setErrors] = useState<Record<string, string[]>>({});

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    run(() => createViewAction({ body: { conn, queue, name, query, within, visibility, columns, order } }), {
      success: (view) => `Saved view ${view.name}`,
      onDone: (res) => {
        if (!res.ok) return setErrors(res.error.fieldErrors ?? {});
        onClose();
        router.push(viewPath(res.data.id));
      },
    });
  }

  return (
    <Dialog open onClose={onClose} title="Save as view">
      <form onSubmit={onSubmit} className="space-y-3" aria-label="Save as view">
        <p className="text-xs text-zinc-500">
          {query.trim() ? (
            <>
              <span className="font-mono break-all">{query}</span> in {within === 'all' ? 'every state' : within}, on {queue}.
            </>
          ) : (
            'A view saves a query: search for something first.'
          )}
        </p>
        <div>
          <Label htmlFor="view-name">Name</Label>
          <Input id="view-name" autoFocus required maxLength={VIEW_NAME_MAX_CHARS} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={Boolean(errors.name)} />
          <FieldError messages={errors.name} />
        </div>
        <div>
          <Label htmlFor="view-visibility">Who sees it</Label>
          <Select id="view-visibility" value={visibility} onChange={(e) => setVisibility(e.target.value as ViewVisibility)}>
            <option value="private">Only me</option>
            {canShare && <option value="shared">Everyone signed in (shared)</option>}
          </Select>
        </div>
        <FieldError messages={errors.query} />
        <div className="flex justify-end gap-2 pt-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={pending || !name.trim() || !query.trim()}>
            {pending ? 'Saving…' : 'Save view'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

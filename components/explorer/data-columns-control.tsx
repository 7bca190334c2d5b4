'use client';
// "Add column" beside the search results' Columns menu: the JSON paths shown as data columns (`cols=` in the
// URL; the server reads each value, never the whole payload), with the paths seen in recent jobs offered
// (GET …/query-hints, as the search box does). Closes on Escape and on a click outside.
import { useId, useState, type FormEvent } from 'react';
import { DATA_COLUMNS_MAX, DATA_COLUMN_MAX_CHARS, parseDataColumn } from '@/lib/jobs/query/data-columns';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { PopoverMenu } from '@/components/ui/popover-menu';
import { useQueryHints } from './use-query-hints';

export function DataColumnsControl({ conn, queue, columns, onChange }: { conn: string; queue: string; columns: readonly string[]; onChange: (next: string[]) => void }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  const hints = useQueryHints(conn, queue, open);

  const full = columns.length >= DATA_COLUMNS_MAX;
  const offered = (hints?.paths ?? []).filter((p) => !columns.includes(p));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const key = String(new FormData(form).get('path') ?? '').trim();
    if (!key) return;
    const parsed = parseDataColumn(key);
    if (typeof parsed === 'string') return setError(parsed);
    setError(null);
    form.reset();
    if (!columns.includes(key)) onChange([...columns, key]);
  }

  return (
    <PopoverMenu
      label={<>Add column{columns.length > 0 && <span className="text-zinc-500"> ({columns.length})</span>}</>}
      title="Data columns"
      panelClassName="w-80"
      onOpenChange={setOpen}
    >
      <p className="mb-1.5 text-xs text-zinc-500 dark:text-zinc-400">A column per JSON path of the job&apos;s data or return value, read by the server and cut to {DATA_COLUMN_MAX_CHARS} characters.</p>
      {columns.length > 0 && (
        <ul className="mb-2">
          {columns.map((key) => (
            <li key={key} className="flex items-center gap-2 rounded px-1 py-0.5 hover:bg-zinc-50 dark:hover:bg-zinc-800">
              <span className="min-w-0 flex-1 truncate font-mono text-xs" title={key}>
                {key}
              </span>
              <Button size="sm" variant="ghost" aria-label={`Remove column ${key}`} onClick={() => onChange(columns.filter((c) => c !== key))}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onSubmit} className="flex items-center gap-2">
        <Input
          name="path"
          list={listId}
          aria-label="JSON path of the new column"
          aria-invalid={error !== null || undefined}
          placeholder="data.customerId"
          disabled={full}
          autoComplete="off"
          spellCheck={false}
          onChange={() => setError(null)}
          className="h-8 min-w-0 flex-1 font-mono text-xs"
        />
        <datalist id={listId}>
          {offered.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <Button type="submit" size="sm" variant="primary" disabled={full}>
          Add
        </Button>
      </form>
      {full && <p className="mt-1 text-xs text-zinc-500">At most {DATA_COLUMNS_MAX} columns.</p>}
      {error && (
        <p role="alert" className="mt-1 text-xs text-red-600">
          {error}
        </p>
      )}
    </PopoverMenu>
  );
}

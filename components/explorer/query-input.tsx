'use client';
// The search box of the job query language: a text input with a list of completions under it (qualifiers,
// states, job names seen in the queue, JSON paths of recent jobs' data), keyboard first: ↑/↓ to move,
// Tab or Enter to take one, Esc to close; Enter with the list closed runs the search.
import { useId, useMemo, useState, type KeyboardEvent, type RefObject } from 'react';
import { completeQuery } from '@/lib/jobs/query/complete-query';
import { Input } from '@/components/ui/input';
import { cn } from '@/components/ui/cn';
import { useQueryHints } from './use-query-hints';

export function QueryInput({
  conn,
  queue,
  name,
  defaultValue,
  inputRef,
  invalid,
}: {
  conn: string;
  queue: string;
  name: string;
  defaultValue: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  invalid?: boolean;
}) {
  const listId = useId();
  const [text, setText] = useState(defaultValue);
  const [caret, setCaret] = useState(defaultValue.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [focused, setFocused] = useState(false);
  // Hints are read once the box is used, not on every page load.
  const hints = useQueryHints(conn, queue, focused);
  const completion = useMemo(() => completeQuery(text, caret, { names: hints?.names ?? [], paths: hints?.paths ?? [] }), [text, caret, hints]);
  const items = open ? completion.items : [];
  const shown = Math.min(active, Math.max(0, items.length - 1));

  function take(index: number) {
    const item = items[index];
    if (!item) return;
    const next = text.slice(0, completion.from) + item.insert + text.slice(completion.to);
    const at = completion.from + item.insert.length;
    setText(next);
    setCaret(at);
    setActive(0);
    // A qualifier ends with ':' and has values to offer next; anything else is complete.
    setOpen(item.insert.endsWith(':') || item.insert.endsWith('.'));
    requestAnimationFrame(() => {
      const el = inputRef?.current;
      if (el) {
        el.value = next;
        el.setSelectionRange(at, at);
      }
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (items.length === 0) {
      if (event.key === 'ArrowDown') setOpen(true);
      return;
    }
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((shown + 1) % items.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((shown - 1 + items.length) % items.length);
    } else if (event.key === 'Tab' || (event.key === 'Enter' && open)) {
      event.preventDefault();
      take(shown);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setOpen(false);
    }
  }

  return (
    <div className="relative min-w-72 flex-1">
      <Input
        ref={inputRef}
        name={name}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
          setActive(0);
          setOpen(true);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? text.length)}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setTimeout(() => setOpen(false), 120)}
        placeholder="state:failed name:send-* data.user.plan:business error:~ECONNREFUSED finished:>-1h  ( / )"
        aria-label="Search text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={items.length > 0}
        aria-controls={listId}
        aria-activedescendant={items.length > 0 ? `${listId}-${shown}` : undefined}
        aria-invalid={invalid || undefined}
        autoComplete="off"
        spellCheck={false}
        className="h-8 w-full font-mono text-xs"
      />
      {items.length > 0 && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Completions"
          className="absolute left-0 top-9 z-30 max-h-72 w-full min-w-80 overflow-auto rounded-md border border-zinc-200 bg-white py-1 text-xs shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {items.map((item, i) => (
            <li
              key={`${item.label}-${i}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === shown}
              onMouseDown={(e) => {
                e.preventDefault();
                take(i);
              }}
              className={cn('flex cursor-pointer items-baseline gap-3 px-2.5 py-1', i === shown && 'bg-indigo-50 dark:bg-indigo-950')}
            >
              <span className="font-mono text-zinc-900 dark:text-zinc-100">{item.label}</span>
              <span className="truncate text-zinc-500">{item.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

'use client';
// The quick queue switcher: ⌘K / Ctrl+K on every console page (or the header's "Search queues") opens a
// combobox over the discovered queue names; arrow keys move, Enter opens the queue page, Esc closes.
// It reads the overview's query (same key and API), only while open, and renders a capped list.
import { useEffect, useId, useMemo, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import type { Overview } from '@/lib/queues/get-overview';
import { queryKeys } from '@/components/query-keys';
import { fetchJson } from '@/components/explorer/api-client';
import { queueHref } from '@/components/explorer/format';
import { Dialog } from '@/components/ui/dialog';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { matchQueues } from './queue-matches';
import { useHydrated } from '@/components/ui/use-hydrated';

const noSubscription = () => () => {};
const isApple = () => /Mac|iPhone|iPad/.test(navigator.platform);

export function QueueSwitcher() {
  const [open, setOpen] = useState(false);
  // Disabled until hydrated: before that neither the button nor the shortcut would do anything.
  const ready = useHydrated();
  const apple = useSyncExternalStore(noSubscription, isApple, () => false);

  useEffect(() => {
    function onKeyDown(event: globalThis.KeyboardEvent) {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k') {
        // The browser's own Ctrl+K (search in the address bar) would take the focus away.
        event.preventDefault();
        setOpen(true);
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <>
      <Button size="sm" variant="secondary" className="mr-auto w-44 justify-between sm:w-56 text-zinc-500 dark:text-zinc-400" disabled={!ready} onClick={() => setOpen(true)} aria-keyshortcuts="Control+K Meta+K">
        <span>Search queues</span>
        <kbd className="rounded border border-zinc-300 px-1 font-sans text-[10px] dark:border-zinc-700">{apple ? '⌘K' : 'Ctrl K'}</kbd>
      </Button>
      {/* The dialog mounts its content while open only: every opening starts with an empty text. */}
      <Dialog open={open} onClose={() => setOpen(false)} title="Switch to a queue">
        <QueueSearch onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function QueueSearch({ onDone }: { onDone: () => void }) {
  const router = useRouter();
  const id = useId();
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const { data, error, isPending } = useQuery({
    queryKey: queryKeys.overview(),
    queryFn: () => fetchJson<Overview>('/api/v1/queues'),
    // The overview answer costs counts of every queue; names change rarely (discovery is cached 15 s).
    staleTime: 30_000,
  });
  const { matches, more } = useMemo(() => matchQueues(data?.connections ?? [], text), [data, text]);
  const incomplete = (data?.connections ?? []).filter((c) => c.error || !c.discoveryComplete).map((c) => c.name);
  const activeIndex = Math.min(active, Math.max(matches.length - 1, 0));
  const optionId = (i: number) => `${id}-option-${i}`;

  useEffect(() => {
    document.getElementById(`${id}-option-${activeIndex}`)?.scrollIntoView({ block: 'nearest' });
  }, [id, activeIndex]);

  function go(i: number) {
    const match = matches[i];
    if (!match) return;
    onDone();
    router.push(queueHref(match.connection, match.queue));
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const last = matches.length - 1;
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && last >= 0) {
      event.preventDefault();
      // Wraps around at either end.
      if (event.key === 'ArrowDown') setActive(activeIndex >= last ? 0 : activeIndex + 1);
      else setActive(activeIndex <= 0 ? last : activeIndex - 1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      go(activeIndex);
    }
  }

  return (
    <div className="space-y-2">
      <input
        role="combobox"
        aria-label="Queue name"
        aria-expanded={matches.length > 0}
        aria-controls={`${id}-listbox`}
        aria-autocomplete="list"
        aria-activedescendant={matches.length > 0 ? optionId(activeIndex) : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder="Type part of a queue name…"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        className="h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm outline-none focus:border-indigo-500 dark:border-zinc-700 dark:bg-zinc-950"
      />
      <ul id={`${id}-listbox`} role="listbox" aria-label="Queues" className="max-h-80 overflow-y-auto text-sm">
        {matches.map((m, i) => (
          // Options are not focusable (the text box keeps the focus); a click opens the queue as Enter does.
          <li
            key={`${m.connection}/${m.queue}`}
            id={optionId(i)}
            role="option"
            aria-selected={i === activeIndex}
            onMouseMove={() => i !== activeIndex && setActive(i)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => go(i)}
            className={cn('flex cursor-pointer items-baseline justify-between gap-3 rounded px-2 py-1.5', i === activeIndex && 'bg-indigo-50 dark:bg-indigo-950')}
          >
            <span className="truncate font-medium">{m.queue}</span>
            <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">{m.connection}</span>
          </li>
        ))}
      </ul>
      <div className="text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
        {isPending && !data && <p>Loading the queue list…</p>}
        {error && <p className="text-red-600 dark:text-red-400">The queue list could not be loaded: {error.message}</p>}
        {data && matches.length === 0 && <p>{text.trim() ? `No queue name contains “${text.trim()}”` : 'No queues discovered yet'}</p>}
        {more > 0 && <p>{more} more — keep typing</p>}
        {incomplete.length > 0 && <p>Some queues of {incomplete.join(', ')} may be missing: discovery is incomplete or a connection is unreachable.</p>}
        <p>↑ ↓ to move, Enter to open, Esc to close</p>
      </div>
    </div>
  );
}

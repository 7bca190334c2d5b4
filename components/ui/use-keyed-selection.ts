'use client';
import { useState } from 'react';

const NONE: ReadonlySet<string> = new Set();

/**
 * A set of selected row ids that belongs to one view of a list (its query key): when the key changes
 * (another tab, page, order or filter) the selection reads as empty, so a bulk action never reaches
 * rows that are no longer shown.
 */
export function useKeyedSelection(key: string) {
  const [stored, setStored] = useState<{ key: string; ids: ReadonlySet<string> }>(() => ({ key, ids: NONE }));
  const selected = stored.key === key ? stored.ids : NONE;
  const update = (change: (ids: Set<string>) => void) =>
    setStored((prev) => {
      const next = new Set(prev.key === key ? prev.ids : NONE);
      change(next);
      return { key, ids: next };
    });
  return {
    selected,
    toggle: (id: string) =>
      update((ids) => {
        if (ids.has(id)) ids.delete(id);
        else ids.add(id);
      }),
    setAll: (ids: string[], on: boolean) => update((next) => ids.forEach((id) => (on ? next.add(id) : next.delete(id)))),
    replace: (ids: Iterable<string>) => setStored({ key, ids: new Set(ids) }),
    clear: () => setStored({ key, ids: NONE }),
  };
}

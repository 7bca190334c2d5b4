'use client';
// The columns a user hid in a dense table (TanStack Table's column visibility), remembered in this
// browser under a key that names the user (useStoredString). Only hidden columns are stored, so a
// column added later shows by default. Every reader of the same key (the table and its Columns menu)
// sees a change at once.
import { useMemo } from 'react';
import { functionalUpdate, type ColumnVisibilityState, type Updater } from '@tanstack/react-table';
import { useStoredString } from './use-stored-string';

/** The stored text as visibility state; anything unreadable counts as nothing hidden. */
export function parseColumnVisibility(stored: string | null): ColumnVisibilityState {
  if (!stored) return {};
  try {
    const parsed: unknown = JSON.parse(stored);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'boolean'));
  } catch {
    return {};
  }
}

export function useStoredColumnVisibility(key: string) {
  const [stored, setStored] = useStoredString(key);
  const columnVisibility = useMemo(() => parseColumnVisibility(stored), [stored]);
  const onColumnVisibilityChange = (updater: Updater<ColumnVisibilityState>) => {
    const hidden = Object.fromEntries(Object.entries(functionalUpdate(updater, columnVisibility)).filter(([, visible]) => !visible));
    setStored(Object.keys(hidden).length ? JSON.stringify(hidden) : null);
  };
  return { columnVisibility, onColumnVisibilityChange, showAll: () => setStored(null) };
}

'use client';
// A string remembered in this browser (localStorage), read through useSyncExternalStore so every reader
// on the page (and other tabs) sees a change at once. The server and the first render see null.
import { useCallback, useSyncExternalStore } from 'react';

const CHANGE_EVENT = 'drover-stored-change';

function subscribe(onChange: () => void) {
  window.addEventListener('storage', onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

// Where localStorage is refused (storage disabled): the value still changes, for this page's life.
const unsaved = new Map<string, string>();

/** The value stored under `key` (null: none yet) and a setter (null removes it). */
export function useStoredString(key: string): [string | null, (value: string | null) => void] {
  const value = useSyncExternalStore(
    subscribe,
    () => {
      try {
        const stored = localStorage.getItem(key);
        if (stored !== null) return stored;
      } catch {}
      return unsaved.get(key) ?? null;
    },
    () => null,
  );
  const set = useCallback(
    (next: string | null) => {
      if (next === null) unsaved.delete(key);
      else unsaved.set(key, next);
      try {
        if (next === null) localStorage.removeItem(key);
        else localStorage.setItem(key, next);
      } catch {}
      window.dispatchEvent(new Event(CHANGE_EVENT));
    },
    [key],
  );
  return [value, set];
}

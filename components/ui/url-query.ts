'use client';
// Query-string state that only the browser reads (filters, sort, chart range): kept in the URL so a link
// shares it, written without a navigation so the force-dynamic page is not rendered again per change.
import { useState } from 'react';
import { useSearchParams } from 'next/navigation';

/** Sets (or, for null and '', deletes) query parameters of the current URL in place; Next keeps useSearchParams in sync. */
export function replaceSearchParams(patch: Record<string, string | null>): void {
  const url = new URL(window.location.href);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === '') url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  window.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
}

/**
 * A text filter kept in the URL parameter `name`, for a controlled input. useSearchParams catches up with
 * each keystroke in a transition, so while it shows a value this input wrote, the typed text wins; any
 * other value (a link, back/forward) replaces the text.
 */
export function useUrlTextFilter(name: string): { value: string; onChange: (text: string) => void } {
  const inUrl = useSearchParams().get(name) ?? '';
  // pending: the values the router may still show while typing, in order: the one it showed when typing
  // began, then each one written (Next applies them in order).
  const [typed, setTyped] = useState<{ text: string; pending: string[] }>({ text: inUrl, pending: [] });
  const ours = inUrl === typed.text || typed.pending.includes(inUrl);
  return {
    value: ours ? typed.text : inUrl,
    onChange: (text) => {
      setTyped((prev) => {
        const seen = prev.pending.indexOf(inUrl);
        return { text, pending: [...(seen >= 0 ? prev.pending.slice(seen) : [inUrl]), text] };
      });
      replaceSearchParams({ [name]: text });
    },
  };
}

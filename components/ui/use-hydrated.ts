'use client';
// False in the server's render and while hydrating, true once the page runs in the browser: for what
// only the browser knows (its time zone, its platform) without a hydration mismatch.
import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

export function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

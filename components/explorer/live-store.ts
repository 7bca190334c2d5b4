'use client';
// Connection status of the live stream and Redis health, shared by the indicator and the banner; and
// the tab's Pause switch for live updates (kept in this module: per tab, gone on reload).
import { useSyncExternalStore } from 'react';
import { focusManager } from '@tanstack/react-query';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'paused' | 'off';
type Health = Array<{ name: string; store: 'redis' | 'postgres'; status: 'up' | 'down'; error?: string }>;
/** paused: the operator paused live updates in this tab; status is 'paused' while a live page is open */
type State = { status: LiveStatus; health: Health; paused: boolean };

let state: State = { status: 'off', health: [], paused: false };
const listeners = new Set<() => void>();

export function setLiveState(patch: Partial<State>): void {
  state = { ...state, ...patch };
  listeners.forEach((l) => l());
}

/** Pause or resume live updates in this tab (every live page reads it: use-live-events.ts). */
export function setLivePaused(paused: boolean): void {
  if (state.paused !== paused) setLiveState({ paused });
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useLiveState(): State {
  return useSyncExternalStore(subscribe, () => state, () => state);
}

/** True while live updates are paused: a live page's polling (refetchInterval) stops too. */
export function useLivePaused(): boolean {
  return useSyncExternalStore(subscribe, () => state.paused, () => false);
}

/**
 * TanStack Query refetches on window focus; a paused live page must not change under the operator
 * when they come back to the tab. Installed once by the providers; other pages refetch as usual.
 */
export function pauseAwareFocus(): void {
  focusManager.setEventListener((onFocus) => {
    const listener = () => {
      if (state.status !== 'paused') onFocus();
    };
    window.addEventListener('visibilitychange', listener, false);
    return () => window.removeEventListener('visibilitychange', listener);
  });
}

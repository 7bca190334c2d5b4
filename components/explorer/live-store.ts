'use client';
// Connection status of the live stream and Redis health, shared by the indicator and the banner.
import { useSyncExternalStore } from 'react';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'off';
type Health = Array<{ name: string; status: 'up' | 'down'; error?: string }>;
type State = { status: LiveStatus; health: Health };

let state: State = { status: 'off', health: [] };
const listeners = new Set<() => void>();

export function setLiveState(patch: Partial<State>): void {
  state = { ...state, ...patch };
  listeners.forEach((l) => l());
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useLiveState(): State {
  return useSyncExternalStore(subscribe, () => state, () => state);
}

'use client';
import { useCallback, useSyncExternalStore } from 'react';
import { tickIntervalFor } from './clock';

// The one clock of the page: a single timer shared by every relative time. Each reader says which
// instant it shows; the timer wakes as often as the nearest of them needs (every second while one
// reads in seconds, every 15 s or minute otherwise) and re-renders only the readers that are due.

type Reader = { notify: () => void; target: number | null; lastRead: number };

/** A reader without an instant (it only compares with now) re-reads at the old pace. */
const UNTARGETED_INTERVAL_MS = 15_000;

let now = Date.now();
/** No reader since the last tick: the next read takes a fresh time instead of a stopped clock's. */
let stale = true;
const readers = new Set<Reader>();
let timer: ReturnType<typeof setTimeout> | undefined;
let timerDue = Infinity;

function intervalOf(reader: Reader, at: number): number {
  return reader.target === null ? UNTARGETED_INTERVAL_MS : tickIntervalFor(reader.target - at);
}

function stopTimer() {
  if (timer) clearTimeout(timer);
  timer = undefined;
  timerDue = Infinity;
}

/** Arms the timer for the earliest reader due, unless it already fires by then. */
function schedule() {
  let due = Infinity;
  for (const r of readers) due = Math.min(due, r.lastRead + intervalOf(r, now));
  if (due === Infinity) return stopTimer();
  if (timer && timerDue <= due) return;
  stopTimer();
  timerDue = due;
  timer = setTimeout(() => tick(), Math.max(0, due - Date.now()));
}

function tick(everyone = false) {
  stopTimer();
  now = Date.now();
  for (const r of readers) {
    const interval = intervalOf(r, now);
    // Readers due within the next half second (or second, for slow ones) come along now: fewer wake-ups.
    if (everyone || now >= r.lastRead + interval - Math.min(interval / 2, 1000)) {
      r.lastRead = now;
      r.notify();
    }
  }
  schedule();
}

// A hidden tab's timers are throttled: catch up as soon as it is seen again.
function onVisible() {
  if (document.visibilityState === 'visible') tick(true);
}

/** Registers a reader of the clock (exported for the tests: components use useNow). */
export function subscribeToClock(target: number | null, notify: () => void): () => void {
  const at = Date.now();
  // A late-mounting reader must not start from an old tick (its fresh event would look ahead).
  if (at - now >= 1000) now = at;
  const reader: Reader = { notify, target, lastRead: at };
  if (readers.size === 0) document.addEventListener('visibilitychange', onVisible);
  readers.add(reader);
  schedule();
  return () => {
    readers.delete(reader);
    if (readers.size === 0) {
      stopTimer();
      stale = true;
      document.removeEventListener('visibilitychange', onVisible);
    }
  };
}

export function readClock(): number {
  if (stale) {
    now = Date.now();
    stale = false;
  }
  return now;
}

/**
 * Current time on the client (null during server render, so markup matches on hydration), re-read as
 * often as showing `target` relative to it needs; without a target, every 15 s.
 */
export function useNow(target?: number | null): number | null {
  const key = target ?? null;
  const subscribe = useCallback((notify: () => void) => subscribeToClock(key, notify), [key]);
  return useSyncExternalStore(subscribe, readClock, () => null);
}

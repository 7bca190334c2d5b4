// The pure rules of the shared clock: how often a relative time must be re-read, and how an instant
// reads relative to now (clamping clock skew). No React, no timers: unit-tested on their own.

/**
 * A recorded event up to this far in the browser's future is clock skew between machines (or the
 * clock's last tick being up to a minute old): it reads "just now".
 */
export const SKEW_TOLERANCE_MS = 2 * 60_000;

/**
 * How often a time this far from now must be re-read: every second while it reads in seconds, every
 * 15 s in minutes, every minute beyond. Each band starts one slower tick early, so a countdown
 * crossing from "in 1m" to "in 59s" is already ticking by the second.
 */
export function tickIntervalFor(distanceMs: number): number {
  const d = Math.abs(distanceMs);
  if (d < 60_000 + 15_000) return 1000;
  if (d < 3_600_000 + 60_000) return 15_000;
  return 60_000;
}

/**
 * "happened": the instant is an event the server recorded (created, started, finished…): it is in the
 * past whatever the browser's clock says. "scheduled": a planned instant (next run, delayed until)
 * that may be ahead or behind.
 */
export type InstantKind = 'happened' | 'scheduled';

const UNITS: Array<[number, string]> = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1000, 's'],
];

/**
 * "3m ago", "in 21s", "just now". A happened event ahead of the browser by at most the skew tolerance
 * reads "just now", never "in 2s". Further ahead it is read as a planned instant ("in 30d"): that is
 * no clock skew but an instant the caller did not mark "scheduled".
 */
export function formatRelative(ms: number, now: number, kind: InstantKind = 'happened'): string {
  const diff = ms - now;
  if (kind === 'happened' && diff > 0 && diff <= SKEW_TOLERANCE_MS) return 'just now';
  const abs = Math.abs(diff);
  if (abs < 1000) return 'just now';
  return diff < 0 ? `${amount(abs)} ago` : `in ${amount(abs)}`;
}

/** "3m" for 3 to 4 minutes: the largest whole unit (the caller knows it is at least 1 s). */
function amount(abs: number): string {
  for (const [size, unit] of UNITS) if (abs >= size) return `${Math.floor(abs / size)}${unit}`;
  return '0s';
}

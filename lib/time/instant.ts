// The instants the console shows: milliseconds since the epoch that a JavaScript Date can hold. Job
// times come from Redis, where a producer (BullMQ's opts.timestamp) or anything else may have written
// 1e300; `new Date(1e300).toISOString()` throws, so such a value is read as unknown.

/** Largest instant a Date holds (ECMAScript: ±8.64e15 ms); job times before the epoch are not real. */
export const MAX_INSTANT_MS = 8.64e15;

export function validInstant(ms: number | null | undefined): number | null {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_INSTANT_MS ? ms : null;
}

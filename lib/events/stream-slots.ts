// Counts the open live streams of this process, per user or token and in total, and refuses one
// beyond the limits (429 with Retry-After) before it holds anything.
import 'server-only';
import { RateLimitedError } from '@/lib/errors';
import type { Principal } from '@/lib/auth/principal';
import { liveLimits, STREAM_RETRY_AFTER_SECONDS } from './live-limits';

type Slots = { total: number; byPrincipal: Map<string, number> };
const SLOTS = Symbol.for('drover.sse-stream-slots');
type Holder = { [SLOTS]?: Slots };

function slots(): Slots {
  const holder = globalThis as Holder;
  holder[SLOTS] ??= { total: 0, byPrincipal: new Map() };
  return holder[SLOTS];
}

/** Takes a slot for a new stream, or throws RateLimitedError; the returned function gives it back (once). */
export function acquireStreamSlot(principal: Principal): () => void {
  const limits = liveLimits();
  const s = slots();
  const who = `${principal.kind}:${principal.id}`;
  const mine = s.byPrincipal.get(who) ?? 0;
  if (mine >= limits.streamsPerUser) {
    throw new RateLimitedError(
      `Too many live streams for this user or token (${mine} open, the limit is ${limits.streamsPerUser}): close another tab or stream, or try again later`,
      STREAM_RETRY_AFTER_SECONDS,
    );
  }
  if (s.total >= limits.streamsPerProcess) {
    throw new RateLimitedError(`Too many live streams on this console (${s.total} open, the limit is ${limits.streamsPerProcess}): try again later`, STREAM_RETRY_AFTER_SECONDS);
  }
  s.byPrincipal.set(who, mine + 1);
  s.total += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    s.total -= 1;
    const left = (s.byPrincipal.get(who) ?? 1) - 1;
    if (left > 0) s.byPrincipal.set(who, left);
    else s.byPrincipal.delete(who);
  };
}

/** Open streams of this process (for tests and diagnostics). */
export function openStreamCount(): number {
  return slots().total;
}

// Concurrency limits for reads that cost the store (or the console's memory) more than a page:
// whole-queue search, name-filtered lists, raw downloads and exports. Per principal and per console
// process; beyond either, the caller gets 429 with Retry-After instead of queueing work.
import 'server-only';
import { RateLimitedError } from '@/lib/errors';
import type { Principal } from '@/lib/auth/principal';

export type ExpensiveReadKind = 'search' | 'download';

type Limits = { perPrincipal: number; total: number };

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

/** Defaults: 2 searches per user and 6 in all; 1 download per user and 3 in all (per console process). */
export function expensiveReadLimits(kind: ExpensiveReadKind): Limits {
  return kind === 'search'
    ? { perPrincipal: envInt('DROVER_SEARCHES_PER_USER', 2), total: envInt('DROVER_SEARCHES_TOTAL', 6) }
    : { perPrincipal: envInt('DROVER_DOWNLOADS_PER_USER', 1), total: envInt('DROVER_DOWNLOADS_TOTAL', 3) };
}

const SLOTS = Symbol.for('drover.expensive-read-slots');
type State = Record<ExpensiveReadKind, { total: number; byPrincipal: Map<string, number> }>;
type Holder = { [SLOTS]?: State };

function state(): State {
  const holder = globalThis as Holder;
  holder[SLOTS] ??= { search: { total: 0, byPrincipal: new Map() }, download: { total: 0, byPrincipal: new Map() } };
  return holder[SLOTS];
}

const WHAT: Record<ExpensiveReadKind, string> = { search: 'searches or name-filtered lists', download: 'downloads or exports' };

/** Takes a slot or throws 429; the returned function gives it back (idempotent). */
export function acquireExpensiveRead(principal: Principal, kind: ExpensiveReadKind): () => void {
  const s = state()[kind];
  const limits = expensiveReadLimits(kind);
  const who = `${principal.kind}:${principal.id}`;
  const mine = s.byPrincipal.get(who) ?? 0;
  if (mine >= limits.perPrincipal) {
    throw new RateLimitedError(`You already run ${mine} ${WHAT[kind]} (at most ${limits.perPrincipal} at a time): wait for one to finish`, 1);
  }
  if (s.total >= limits.total) {
    throw new RateLimitedError(`The console is busy with ${s.total} ${WHAT[kind]} (at most ${limits.total} at a time): try again in a moment`, 2);
  }
  s.total++;
  s.byPrincipal.set(who, mine + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    s.total--;
    const left = (s.byPrincipal.get(who) ?? 1) - 1;
    if (left > 0) s.byPrincipal.set(who, left);
    else s.byPrincipal.delete(who);
  };
}

/** Runs fn holding a slot. */
export async function withExpensiveRead<T>(principal: Principal, kind: ExpensiveReadKind, fn: () => Promise<T>): Promise<T> {
  const release = acquireExpensiveRead(principal, kind);
  try {
    return await fn();
  } finally {
    release();
  }
}

/** Slots in use, for tests and diagnostics. */
export function expensiveReadsInUse(kind: ExpensiveReadKind): number {
  return state()[kind].total;
}

/** Bytes handed to the server per pull, so a large value is sent as the client reads it, not in one piece. */
const SLICE_BYTES = 64 * 1024;

/** How long a download may wait for its client to read on (DROVER_DOWNLOAD_STALL_MS, default 30 s). */
export function downloadStallMs(): number {
  return envInt('DROVER_DOWNLOAD_STALL_MS', 30_000);
}

/**
 * A response body that holds its slot until it has been sent, cancelled or failed. It is handed over in
 * 64 KB slices, pulled only as the client reads (so the slot is held for the whole transfer), and a
 * client that stops reading for downloadStallMs() is dropped: its slot and its bytes are let go.
 */
export function releaseWhenDone(body: ReadableStream<Uint8Array>, release: () => void, stallMs = downloadStallMs()): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let current: Uint8Array | null = null;
  let offset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = (reason: unknown) => {
    clearTimeout(timer);
    release();
    void reader.cancel(reason).catch(() => {});
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Time spent producing the next slice is ours; only the wait for the client's next read counts.
        clearTimeout(timer);
        try {
          if (!current || offset >= current.byteLength) {
            const { done, value } = await reader.read();
            if (done) {
              release();
              controller.close();
              return;
            }
            current = value;
            offset = 0;
          }
          controller.enqueue(current.subarray(offset, offset + SLICE_BYTES));
          offset += SLICE_BYTES;
          timer = setTimeout(() => {
            // An AbortError: the server ends the response quietly (the client went away, in effect).
            const stalled = Object.assign(new Error(`the client read nothing for ${stallMs} ms`), { name: 'AbortError' });
            stop(stalled);
            controller.error(stalled);
          }, stallMs);
          timer.unref?.();
        } catch (err) {
          stop(err);
          controller.error(err);
        }
      },
      cancel(reason) {
        stop(reason);
      },
    },
    // Nothing read ahead: the next slice is asked for only once the server has taken this one.
    { highWaterMark: 0 },
  );
}

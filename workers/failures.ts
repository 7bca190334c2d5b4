// How processors say what kind of failure happened. The runtime maps these to BullMQ behaviour:
// UnrecoverableError → failed now, no retry; PeerRateLimitError → the job is delayed for the Retry-After
// without using an attempt, and so are the other jobs for the same receiver (its `peer`); anything else
// → retried with the job's backoff until attempts run out.
import { ErrorCode, UnrecoverableError } from 'bullmq';

export { UnrecoverableError };

/** A failure that no retry can fix (bad input, 4xx answer, missing file…). */
export function permanentFailure(message: string): UnrecoverableError {
  return new UnrecoverableError(message);
}

/** The peer asked us to slow down (429, or Retry-After). */
export class PeerRateLimitError extends Error {
  readonly retryAfterMs: number;
  /** "host:port" of the receiver: the runtime pauses it for every job of the queue. */
  readonly peer?: string;
  /** The receiver was already paused (nothing was sent): the pause is not set again. */
  readonly alreadyPaused: boolean;
  constructor(message: string, retryAfterMs: number, opts: { peer?: string; alreadyPaused?: boolean } = {}) {
    super(message);
    this.name = 'PeerRateLimitError';
    this.retryAfterMs = retryAfterMs;
    this.peer = opts.peer;
    this.alreadyPaused = opts.alreadyPaused ?? false;
  }
}

export function isPeerRateLimitError(err: unknown): err is PeerRateLimitError {
  return err instanceof PeerRateLimitError || (err instanceof Error && err.name === 'PeerRateLimitError' && typeof (err as PeerRateLimitError).retryAfterMs === 'number');
}

export function isPermanentFailure(err: unknown): boolean {
  return err instanceof UnrecoverableError || (err instanceof Error && err.name === 'UnrecoverableError');
}

/**
 * A move refused because the job is no longer this run's: deleted (missing key), its lock lost or taken
 * by another run (a stall), or no longer active. Nothing of it is left for this run to do.
 * BullMQ builds these with the same `code` on both stores (classes/finished-errors).
 */
export function isLostJobError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (code === ErrorCode.JobNotExist || code === ErrorCode.JobLockNotExist || code === ErrorCode.JobLockMismatch || code === ErrorCode.JobNotInState) return true;
  return /^(Missing (key|lock) for job |Lock mismatch for job |Job \S+ is not in the \S+ state)/.test(err.message);
}

/** Longest pause a Retry-After may impose on a receiver. */
export const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;
/** Pause when a 429 carries no usable Retry-After. */
export const DEFAULT_RETRY_AFTER_MS = 5_000;

/** Retry-After in ms from delta-seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(Math.round(ms), 0), MAX_RETRY_AFTER_MS);
}

/**
 * The error for a non-2xx HTTP answer: 408 → retry; 429 or any Retry-After → rate limit; other 4xx
 * (and 3xx: a moved endpoint is a configuration problem) → permanent; 5xx → retry.
 */
export function httpFailure(status: number, what: string, retryAfter: string | null | undefined, detail = '', peer?: string): Error {
  const suffix = detail ? `: ${detail}` : '';
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (status === 429 || (retryAfterMs !== undefined && status >= 500)) {
    const wait = retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    return new PeerRateLimitError(`${what} answered HTTP ${status}: rate limited, retry after ${Math.round(wait / 100) / 10} s${suffix}`, wait, { peer });
  }
  if (status === 408) return new Error(`${what} answered HTTP 408 (request timeout): will retry${suffix}`);
  if (status >= 300 && status < 500) {
    const why = status < 400 ? 'redirects are not followed, update the URL' : 'the request was refused, retrying would not help';
    return permanentFailure(`${what} answered HTTP ${status} (${why})${suffix}`);
  }
  return new Error(`${what} answered HTTP ${status}: will retry${suffix}`);
}

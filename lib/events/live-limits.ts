// The bounds on live updates (/api/v1/events), from the environment with documented defaults.
// Read on every use, so a test or a restarted process picks up a change.

function positiveInt(name: string, fallback: number, max: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n >= 1 ? Math.min(Math.floor(n), max) : fallback;
}

export type LiveLimits = {
  /** DROVER_SSE_MAX_STREAMS_PER_USER (10): open streams per signed-in user or API token, per console process. */
  streamsPerUser: number;
  /** DROVER_SSE_MAX_STREAMS (200): open streams per console process, all users together. */
  streamsPerProcess: number;
  /** DROVER_SSE_MAX_QUEUES_PER_STREAM (20): queues one stream may watch. */
  queuesPerStream: number;
  /** DROVER_SSE_MAX_BUFFER_BYTES (1 MiB): bytes a stream may hold unread before its client is dropped. */
  bufferBytes: number;
  /** DROVER_SSE_MAX_LAG_MS (30 000): how long the oldest unread byte may wait before the client is dropped. */
  maxLagMs: number;
  /** DROVER_SSE_REVALIDATE_MS (10 000): how often an open stream checks that its user or token may still read. */
  revalidateMs: number;
};

export function liveLimits(): LiveLimits {
  return {
    streamsPerUser: positiveInt('DROVER_SSE_MAX_STREAMS_PER_USER', 10, 10_000),
    streamsPerProcess: positiveInt('DROVER_SSE_MAX_STREAMS', 200, 100_000),
    queuesPerStream: positiveInt('DROVER_SSE_MAX_QUEUES_PER_STREAM', 20, 1000),
    bufferBytes: positiveInt('DROVER_SSE_MAX_BUFFER_BYTES', 1024 * 1024, 1024 * 1024 * 1024),
    maxLagMs: positiveInt('DROVER_SSE_MAX_LAG_MS', 30_000, 3_600_000),
    revalidateMs: positiveInt('DROVER_SSE_REVALIDATE_MS', 10_000, 3_600_000),
  };
}

/** What a refused stream's client is told to wait before trying again (its Retry-After). */
export const STREAM_RETRY_AFTER_SECONDS = 10;

// Failures of each queue in the last RECENT_FAILURE_MINUTES, for the overview's health column. Two
// payload-free records, O(log n) per queue in one pipeline: the failed set itself — BullMQ scores it by
// the finish time, so ZCOUNT over the window counts the failed jobs still kept that failed in it — and
// BullMQ's per-minute failed metrics (already in the summary; recorded only by workers with `metrics`,
// and they also count jobs removed on failure or retried since). Each can only miss failures, so the
// larger one is the figure; null only when the failed set cannot be read and no metrics exist.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { RECENT_FAILURE_MINUTES } from '@/lib/queues/queue-health';
import type { QueueSummary } from '@/lib/queues/queue-summary';

/** Recent failures per queue (same order as `queues`). Never throws: without the failed sets, metrics alone count. */
export async function recentFailures(conn: Connection, queues: QueueSummary[], now = Date.now()): Promise<Array<number | null>> {
  const fromMetrics = queues.map((q) => (q.metricsRecorded ? q.failedSeries.slice(0, RECENT_FAILURE_MINUTES).reduce((a, b) => a + b, 0) : null));
  if (queues.length === 0) return fromMetrics;
  // A queue whose failed set was empty a moment ago has kept no recent failure: only the others are
  // asked (with thousands of queues, most have none).
  let kept: Array<number | null> = queues.map((q) => (q.counts.failed === 0 ? 0 : null));
  const withFailed = queues.flatMap((q, i) => (q.counts.failed > 0 ? [i] : []));
  if (withFailed.length === 0) return merge(kept, fromMetrics);
  try {
    const counts = await conn.store.recentFailedCounts(
      withFailed.map((i) => queues[i].name),
      now - RECENT_FAILURE_MINUTES * 60_000,
    );
    withFailed.forEach((queueIndex, j) => (kept[queueIndex] = counts[j] ?? null));
  } catch {
    // The store went away between the summary and this call: BullMQ's metrics still tell what they know.
    kept = queues.map(() => null);
  }
  return merge(kept, fromMetrics);
}

function merge(kept: Array<number | null>, fromMetrics: Array<number | null>): Array<number | null> {
  return kept.map((a, i) => {
    const b = fromMetrics[i];
    if (a === null) return b;
    return b === null ? a : Math.max(a, b);
  });
}

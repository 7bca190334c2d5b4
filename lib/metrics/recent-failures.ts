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
  let kept: Array<number | null> = queues.map(() => null);
  try {
    kept = await conn.store.recentFailedCounts(
      queues.map((q) => q.name),
      now - RECENT_FAILURE_MINUTES * 60_000,
    );
  } catch {
    // The store went away between the summary and this call: BullMQ's metrics still tell what they know.
  }
  return queues.map((_, i) => {
    const [a, b] = [kept[i], fromMetrics[i]];
    if (a === null) return b;
    return b === null ? a : Math.max(a, b);
  });
}

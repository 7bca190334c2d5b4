// Failures of each queue in the last RECENT_FAILURE_MINUTES, for the overview's health column. Two
// records, both payload-free and O(queues): the console's own samples (failed count now minus the first
// sample of the window: one XRANGE … COUNT 1 per queue, one pipeline) and BullMQ's per-minute failed
// metrics (already in the summary, recorded only by workers with `metrics`). Each can only miss
// failures (a cleaned or retried job lowers the count; workers without metrics record none), so the
// larger one is the better figure; null when neither has a record for the window.
import 'server-only';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { RECENT_FAILURE_MINUTES } from '@/lib/queues/queue-health';
import type { QueueSummary } from '@/lib/queues/queue-summary';
import { decodeSample } from './sample';

type StreamEntry = [id: string, fields: string[]];

/** Recent failures per queue (same order as `queues`). Never throws: without samples, metrics alone count. */
export async function recentFailures(connection: string, queues: QueueSummary[], now = Date.now()): Promise<Array<number | null>> {
  const fromMetrics = queues.map((q) => (q.metricsRecorded ? q.failedSeries.slice(0, RECENT_FAILURE_MINUTES).reduce((a, b) => a + b, 0) : null));
  if (queues.length === 0) return fromMetrics;
  let baselines: Array<number | null> = queues.map(() => null);
  try {
    const from = String(now - RECENT_FAILURE_MINUTES * 60_000);
    const pipeline = getConsoleConnection().redis.pipeline();
    for (const q of queues) pipeline.xrange(KEYS.metricsSamples10s(connection, q.name), from, '+', 'COUNT', 1);
    const results = (await pipeline.exec()) ?? [];
    baselines = queues.map((_, i) => {
      const [err, entries] = results[i] ?? [new Error('no reply')];
      const first = !err && (entries as StreamEntry[])[0];
      return first ? decodeSample(first[0], first[1]).failed : null;
    });
  } catch {
    // The console Redis is unreachable: BullMQ's metrics still tell what they know.
  }
  return queues.map((q, i) => {
    const sampled = baselines[i] === null ? null : Math.max(0, q.counts.failed - baselines[i]!);
    const metric = fromMetrics[i];
    if (sampled === null) return metric;
    return metric === null ? sampled : Math.max(sampled, metric);
  });
}

// Writes one snapshot as 10 s points (and, when a minute closes, 1-minute points) to the console
// store (lib/store/console/samples.ts): one round trip for every queue.
import 'server-only';
import { FINE_RETENTION_MS, retentionDays } from './settings';
import { encodeSample } from './sample';
import { sampleStore, type QueueSample } from '@/lib/store/console/samples';
import type { MetricsSnapshot } from './snapshot';
import { currentP95s } from '@/lib/objectives/measure-objectives';
import { objectiveScope } from '@/lib/objectives/objective';

/** Returns how many samples were appended (a sample not newer than the queue's last one is dropped). */
export async function recordSamples(snapshot: MetricsSnapshot, now = snapshot.at): Promise<number> {
  const minuteRetentionMs = retentionDays() * 86_400_000;
  const samples: QueueSample[] = [];
  // The p95s the objectives measured (last round or earlier, still current) go in too, for the p95 charts.
  const p95s = currentP95s(now);
  for (const conn of snapshot.connections) {
    for (const q of conn.queues) {
      // The oldest wait is recorded for the queue page's "Oldest wait" chart and its objective line.
      const waiting = q.counts.waiting + q.counts.prioritized;
      const oldestWaitS = q.oldestWaitingAt !== null && waiting > 0 ? Math.max(0, Math.round((now - q.oldestWaitingAt) / 1000)) : 0;
      samples.push({ conn: conn.name, queue: q.name, fields: encodeSample(q.counts, q.workers, q.paused, oldestWaitS, p95s.get(objectiveScope(conn.name, q.name))) });
    }
  }
  if (samples.length === 0) return 0;
  return sampleStore().append(samples, now, {
    keepFineFrom: now - FINE_RETENTION_MS,
    keepMinuteFrom: now - minuteRetentionMs,
    fineTtlMs: FINE_RETENTION_MS,
    minuteTtlMs: minuteRetentionMs,
  });
}

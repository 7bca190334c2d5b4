// Writes one snapshot as 10 s points (and, when a minute closes, 1-minute points) to the console Redis:
// one pipeline, one script call per queue.
import 'server-only';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { FINE_RETENTION_MS, retentionDays } from './settings';
import { encodeSample } from './sample';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { appendSampleScript } from './lua/append-sample-2';
import type { MetricsSnapshot } from './snapshot';

/** Returns how many samples were appended (a sample not newer than the queue's last one is dropped). */
export async function recordSamples(snapshot: MetricsSnapshot, now = snapshot.at): Promise<number> {
  const redis = withLuaScripts(getConsoleConnection().redis, [appendSampleScript]);
  const keepFineFrom = now - FINE_RETENTION_MS;
  const minuteRetentionMs = retentionDays() * 86_400_000;
  const keepMinuteFrom = now - minuteRetentionMs;
  const pipeline = redis.pipeline();
  let calls = 0;
  for (const conn of snapshot.connections) {
    for (const q of conn.queues) {
      pipeline.droverAppendSample(KEYS.metricsSamples10s(conn.name, q.name), KEYS.metricsSamples1m(conn.name, q.name), now, keepFineFrom, keepMinuteFrom, FINE_RETENTION_MS, minuteRetentionMs, ...encodeSample(q.counts, q.workers, q.paused));
      calls++;
    }
  }
  if (calls === 0) return 0;
  const results = (await pipeline.exec()) ?? [];
  let written = 0;
  for (const [err, value] of results) {
    if (err) throw err;
    written += Number(value);
  }
  return written;
}

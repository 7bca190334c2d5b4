// Metric samples on the console Redis: one stream per queue and resolution (entry id = sample time),
// appended by one script per queue in a pipeline; the sampler's lock is a key with a TTL.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { appendSampleScript } from '@/lib/metrics/lua/append-sample-2';
import { releaseLockScript } from '@/lib/metrics/lua/release-lock-1';
import { renewLockScript } from '@/lib/metrics/lua/renew-lock-1';
import { decodeSample, type DepthPoint } from '@/lib/metrics/sample';
import type { QueueSample, SampleResolution, SampleRetention, SampleStore, SamplerLease } from '@/lib/store/console/samples';

type StreamEntry = [id: string, fields: string[]];

const seriesKey = (conn: string, queue: string, res: SampleResolution) => (res === '10s' ? KEYS.metricsSamples10s(conn, queue) : KEYS.metricsSamples1m(conn, queue));

export class RedisSampleStore implements SampleStore {
  constructor(private readonly conn: Connection) {}

  async append(samples: QueueSample[], now: number, r: SampleRetention): Promise<number> {
    if (samples.length === 0) return 0;
    const redis = withLuaScripts(this.conn.redis, [appendSampleScript]);
    const pipeline = redis.pipeline();
    for (const s of samples) {
      pipeline.droverAppendSample(KEYS.metricsSamples10s(s.conn, s.queue), KEYS.metricsSamples1m(s.conn, s.queue), now, r.keepFineFrom, r.keepMinuteFrom, r.fineTtlMs, r.minuteTtlMs, ...s.fields);
    }
    const results = (await pipeline.exec()) ?? [];
    let written = 0;
    for (const [err, value] of results) {
      if (err) throw err;
      written += Number(value);
    }
    return written;
  }

  async points(conn: string, queue: string, res: SampleResolution, range: { from: number; to?: number }, limit: number, end: 'newest' | 'oldest'): Promise<DepthPoint[]> {
    const key = seriesKey(conn, queue, res);
    const to = range.to === undefined ? '+' : String(range.to);
    if (end === 'oldest') {
      const entries = (await this.conn.redis.xrange(key, String(range.from), to, 'COUNT', limit)) as StreamEntry[];
      return entries.map(([id, fields]) => decodeSample(id, fields));
    }
    const entries = (await this.conn.redis.xrevrange(key, to, String(range.from), 'COUNT', limit)) as StreamEntry[];
    return entries.reverse().map(([id, fields]) => decodeSample(id, fields));
  }
}

export class RedisSamplerLease implements SamplerLease {
  constructor(private readonly conn: Connection) {}

  async take(holder: string, ttlMs: number): Promise<boolean> {
    return (await this.conn.redis.set(KEYS.metricsSamplerLock, holder, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async renew(holder: string, ttlMs: number): Promise<boolean> {
    return (await withLuaScripts(this.conn.redis, [renewLockScript]).droverRenewLock(KEYS.metricsSamplerLock, holder, ttlMs)) === 1;
  }

  async release(holder: string): Promise<void> {
    await withLuaScripts(this.conn.redis, [releaseLockScript]).droverReleaseLock(KEYS.metricsSamplerLock, holder);
  }
}

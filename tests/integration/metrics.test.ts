// The sampler, its downsampling and retention, the single-sampler lease, throughput from BullMQ metrics
// and latency percentiles, with data built through BullMQ on a real redis-server ("main"), the
// samples and the lease on either store of the console connection.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MetricsTime, Queue, Worker } from 'bullmq';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { consoleForThisFile, type TestConsole } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { getConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { Sampler, sampleOnce } from '@/lib/metrics/sampler';
import { getQueueMetrics, readDepth } from '@/lib/metrics/queue-metrics';
import { getQueueLatency, LATENCY_SAMPLE_SIZE } from '@/lib/metrics/latency';
import { decodeSample, type DepthPoint } from '@/lib/metrics/sample';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { sampleStore, samplerLease } from '@/lib/store/console/samples';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** What the tests look at in each console store: a whole series, the lease's holder. */
function peekSamples(c: TestConsole) {
  if (c.kind === 'redis') {
    return {
      series: async (conn: string, queue: string, res: '10s' | '1m'): Promise<DepthPoint[]> => {
        const entries = (await c.redis().xrange(res === '10s' ? KEYS.metricsSamples10s(conn, queue) : KEYS.metricsSamples1m(conn, queue), '-', '+')) as Array<[string, string[]]>;
        return entries.map(([id, fields]) => decodeSample(id, fields));
      },
      leaseHolder: () => c.redis().get(KEYS.metricsSamplerLock),
    };
  }
  return {
    series: async (conn: string, queue: string, res: '10s' | '1m'): Promise<DepthPoint[]> => {
      const rows = await c.pool().query<{ t: string; sample: string }>('SELECT t::text, sample FROM drover.metric_sample WHERE conn = $1 AND queue = $2 AND res = $3 ORDER BY t', [conn, queue, res === '10s' ? 10 : 60]);
      return rows.rows.map((r) => decodeSample(r.t, JSON.parse(r.sample) as string[]));
    },
    leaseHolder: async () =>
      (await c.pool().query<{ holder: string }>(`SELECT holder FROM drover.lease WHERE name = 'metrics-sampler' AND expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint`)).rows[0]?.holder ?? null,
  };
}

describe.each(STORE_KINDS)('metrics with the console on %s', (kind) => {
  let redis: TestRedis;
  const queues: Queue[] = [];
  const workers: Worker[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  // Registered before the console's own: it runs after lib/'s connections are closed.
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(queues.map((x) => x.close()));
    await redis.stop();
  });
  const c = consoleForThisFile(kind, () => [{ name: 'main', url: redis.url, deadLetterQueue: 'graveyard' }]);
  const peek = peekSamples(c);

  function q(name: string) {
    const queue = new Queue(name, { connection: { url: redis.url } });
    queues.push(queue);
    return queue;
  }

  /** One sample at `now`, after a fresh discovery (the sampler reuses discovery for 15 s; tests add queues fast). */
  async function sample(now: number) {
    await discoverQueues(getConnection('main'), { refresh: true });
    return sampleOnce({ now });
  }

  /** One series' points, oldest first. */
  const stream = (queue: string, res: '10s' | '1m') => peek.series('main', queue, res);


  afterEach(() => {
    delete process.env.DROVER_METRICS_RETENTION_DAYS;
  });

  describe('sampler', () => {
    it('records each queue’s state counts, workers and paused flag as 10 s points', async () => {
      const orders = q('orders');
      await orders.add('a', {});
      await orders.add('b', {});
      await orders.add('later', {}, { delay: 3_600_000 });
      await orders.add('vip', {}, { priority: 2 });
      await orders.pause();
      const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;

      const result = await sample(t0 + 5_000);
      expect(result.writeError).toBeNull();
      const main = result.connections.find((c) => c.name === 'main')!;
      expect(main.up).toBe(true);
      // The dead-letter queue is sampled even before it exists, so its growth has a baseline.
      expect(main.queues.map((x) => x.name).sort()).toEqual(['graveyard', 'orders']);
      // Every queue sampled is written once (the console connection's own dead-letter queue too, on Redis).
      expect(result.written).toBe(result.connections.reduce((n, conn) => n + conn.queues.length, 0));
      expect(result.written).toBeGreaterThanOrEqual(2);

      const points = await stream('orders', '10s');
      expect(points).toEqual([
        // oldestWaitS 0: the sample is dated 30 minutes before the jobs were added (none had waited yet then).
        { t: t0 + 5_000, waiting: 2, active: 0, delayed: 1, prioritized: 1, waitingChildren: 0, completed: 0, failed: 0, workers: 0, paused: true, oldestWaitS: 0 },
      ]);
      // A sample not newer than the last one is dropped (two samplers racing cannot reorder a series).
      expect((await sample(t0 + 5_000)).written).toBe(0);
      expect(await stream('orders', '10s')).toHaveLength(1);
    });

    it('downsamples to 1-minute points holding the last sample of each minute', async () => {
      const ship = q('shipping');
      await ship.add('x', {});
      const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
      await sample(t0 + 10_000);
      await ship.add('y', {});
      await sample(t0 + 50_000); // last sample of minute t0: waiting 2
      expect(await stream('shipping', '1m')).toEqual([]);

      await ship.add('z', {});
      await sample(t0 + MINUTE + 10_000); // opens minute t0+1: minute t0 is closed
      const minutes = await stream('shipping', '1m');
      expect(minutes).toEqual([expect.objectContaining({ t: t0, waiting: 2 })]);

      // The 24 h range reads 1-minute points and ends with the newest 10 s sample (the open minute).
      const day = await readDepth('main', 'shipping', '24h', t0 + MINUTE + 20_000);
      expect(day.map((p) => [p.t, p.waiting])).toEqual([
        [t0, 2],
        [t0 + MINUTE + 10_000, 3],
      ]);
      // The 1 h range reads the 10 s points themselves.
      const hour = await readDepth('main', 'shipping', '1h', t0 + MINUTE + 20_000);
      expect(hour.map((p) => p.waiting)).toEqual([1, 2, 3]);
    });

    it('keeps 10 s points for a day and 1-minute points for the retention period', async () => {
      process.env.DROVER_METRICS_RETENTION_DAYS = '2';
      const archive = q('archive');
      await archive.add('x', {});
      const T = Math.floor(Date.now() / MINUTE) * MINUTE;
      const times = [T - 3 * DAY, T - 3 * DAY + 70_000, T - DAY - 60 * MINUTE, T - DAY - 60 * MINUTE + 70_000, T - 2 * MINUTE, T];
      for (const now of times) await sample(now);

      const fine = await stream('archive', '10s');
      expect(fine.map((p) => p.t)).toEqual([T - 2 * MINUTE, T]);
      const minute = (t: number) => Math.floor(t / MINUTE) * MINUTE;
      const coarse = await stream('archive', '1m');
      expect(coarse.map((p) => p.t)).toEqual([minute(T - DAY - 60 * MINUTE), minute(T - DAY - 60 * MINUTE + 70_000), minute(T - 2 * MINUTE)]);
      // A queue that stops being sampled loses its series too (a removed queue's series go).
      if (kind === 'redis') {
        expect(await c.redis().pttl(KEYS.metricsSamples10s('main', 'archive'))).toBeGreaterThan(23 * 60 * MINUTE);
        expect(await c.redis().pttl(KEYS.metricsSamples1m('main', 'archive'))).toBeGreaterThan(DAY);
      } else {
        // Retention deletes by time across every series: once 'archive' is gone, a later sample of the
        // other queues (a day and the retention later) takes its points with it.
        await archive.obliterate({ force: true });
        await sample(T + 3 * DAY);
        expect(await stream('archive', '10s')).toEqual([]);
        expect(await stream('archive', '1m')).toEqual([]);
      }
    });

    it('runs on one instance at a time: a second one stays idle until the first stops renewing the lock', async () => {
      const first = new Sampler({ instanceId: 'console-a', intervalMs: 50, lockTtlMs: 600 });
      const second = new Sampler({ instanceId: 'console-b', intervalMs: 50, lockTtlMs: 600 });
      first.start();
      await waitFor(() => first.sampledTicks >= 2, { what: 'the first sampler to sample' });
      second.start();
      await new Promise((r) => setTimeout(r, 800)); // longer than the lock's TTL: renewals keep it
      expect(second.sampledTicks).toBe(0);
      expect(second.leader).toBe(false);
      expect(first.sampledTicks).toBeGreaterThan(5);
      expect(await peek.leaseHolder()).toBe('console-a');

      // The first instance dies without releasing: the lock expires and the second takes over.
      await first.stop({ release: false });
      const firstTicks = first.sampledTicks;
      await waitFor(() => second.sampledTicks >= 2, { timeout: 5000, what: 'the second sampler to take over' });
      expect(await peek.leaseHolder()).toBe('console-b');
      expect(first.sampledTicks).toBe(firstTicks);

      // A clean stop releases the lock at once.
      await second.stop();
      expect(await peek.leaseHolder()).toBeNull();
    });
  });

  describe('series API data', () => {
    it('throughput comes from BullMQ’s per-minute metrics, with the failure rate per minute', async () => {
      const mail = q('mail-out');
      await mail.addBulk([
        ...Array.from({ length: 6 }, (_, i) => ({ name: 'send', data: { i } })),
        ...Array.from({ length: 2 }, (_, i) => ({ name: 'bounce', data: { i } })),
      ]);
      let finished = 0;
      const worker = new Worker(
        'mail-out',
        async (job) => {
          if (job.name === 'bounce') throw new Error('550');
          return 'ok';
        },
        { connection: { url: redis.url }, metrics: { maxDataPoints: MetricsTime.ONE_WEEK } },
      );
      workers.push(worker);
      worker.on('completed', () => finished++);
      worker.on('failed', () => finished++);
      await waitFor(() => finished === 8, { what: 'eight jobs to finish' });
      await worker.close();

      const metrics = await getQueueMetrics(getConnection('main'), 'mail-out', '1h');
      expect(metrics.metricsRecorded).toBe(true);
      expect(metrics.throughput).toHaveLength(60);
      expect(metrics.throughput.reduce((n, p) => n + p.completed, 0)).toBe(6);
      expect(metrics.throughput.reduce((n, p) => n + p.failed, 0)).toBe(2);
      const busy = metrics.throughput.filter((p) => p.completed + p.failed > 0);
      for (const p of busy) expect(p.failureRate).toBeCloseTo((p.failed / (p.completed + p.failed)) * 100);
      expect(metrics.throughput.filter((p) => p.completed + p.failed === 0).every((p) => p.failureRate === null)).toBe(true);
      // Oldest first, one point a minute, ending with the current minute.
      expect(metrics.throughput[59].t).toBe(Math.floor(metrics.to / MINUTE) * MINUTE);
      expect(metrics.throughput[1].t - metrics.throughput[0].t).toBe(MINUTE);

      const week = await getQueueMetrics(getConnection('main'), 'mail-out', '7d');
      expect(week.throughput).toHaveLength(10_080);
      expect(week.resolutionSeconds).toBe(60);
    });

    it('refuses an unknown queue', async () => {
      await expect(getQueueMetrics(getConnection('main'), 'never-was', '1h')).rejects.toThrow('Queue "never-was" not found on connection "main"');
    });
  });

  describe('latency', () => {
    it('computes wait and processing percentiles per queue and job name from recent completed jobs', async () => {
      const lat = q('latency');
      const base = Date.now();
      // 100 "quick" jobs created 1 s, 2 s, … 100 s ago: their waits are 1…100 s plus the same small delay.
      await lat.addBulk(Array.from({ length: 100 }, (_, i) => ({ name: 'quick', data: {}, opts: { timestamp: base - (i + 1) * 1000 } })));
      await lat.addBulk(Array.from({ length: 10 }, () => ({ name: 'slow', data: {}, opts: { timestamp: base } })));
      let done = 0;
      const worker = new Worker(
        'latency',
        async (job) => {
          if (job.name === 'slow') await new Promise((r) => setTimeout(r, 250));
        },
        { connection: { url: redis.url }, concurrency: 1 },
      );
      workers.push(worker);
      worker.on('completed', () => done++);
      await waitFor(() => done === 110, { timeout: 20_000, what: '110 jobs to complete' });
      await worker.close();
      const drift = Date.now() - base; // every wait is its offset plus at most this much

      const latency = await getQueueLatency(getConnection('main'), 'latency');
      expect(latency.sampleSize).toBe(LATENCY_SAMPLE_SIZE);
      expect(latency.sampled).toBe(110);
      const quick = latency.byName.find((n) => n.name === 'quick')!;
      const slow = latency.byName.find((n) => n.name === 'slow')!;
      expect(quick.wait.count).toBe(100);
      // Nearest rank over 1…100 s: p50 is the 50th (50 s), p95 the 95th, p99 the 99th.
      expect(quick.wait.p50).toBeGreaterThanOrEqual(50_000);
      expect(quick.wait.p50).toBeLessThanOrEqual(50_000 + drift);
      expect(quick.wait.p95).toBeGreaterThanOrEqual(95_000);
      expect(quick.wait.p95).toBeLessThanOrEqual(95_000 + drift);
      expect(quick.wait.p99).toBeGreaterThanOrEqual(99_000);
      expect(quick.wait.p99).toBeLessThanOrEqual(99_000 + drift);
      expect(slow.processing.count).toBe(10);
      expect(slow.processing.p50).toBeGreaterThanOrEqual(250);
      expect(slow.processing.p99).toBeLessThan(2_000);
      expect(quick.processing.p50!).toBeLessThan(slow.processing.p50!);
      expect(latency.overall.wait.count).toBe(110);
      expect(latency.overall.processing.p99).toBeGreaterThanOrEqual(250); // the 109th of 110: a slow job

      // The sample is bounded and takes the most recently finished jobs: the slow ones went last.
      const small = await getQueueLatency(getConnection('main'), 'latency', 10);
      expect(small.sampled).toBe(10);
      expect(small.byName.map((n) => n.name)).toEqual(['slow']);
    });
});
});

describe('the sampler lease on PostgreSQL', () => {
  const c = consoleForThisFile('postgres');
  const peek = peekSamples(c);

  it('parallel takers: exactly one gets a free lease, and only its holder renews or releases it', async () => {
    const lease = samplerLease();
    for (let round = 0; round < 10; round++) {
      const holders = Array.from({ length: 20 }, (_, i) => `console-${round}-${i}`);
      const taken = await Promise.all(holders.map((h) => lease.take(h, 10_000)));
      expect(taken.filter(Boolean)).toHaveLength(1);
      const holder = holders[taken.indexOf(true)];
      expect(await peek.leaseHolder()).toBe(holder);
      const renewed = await Promise.all(holders.map((h) => lease.renew(h, 10_000)));
      expect(holders.filter((_, i) => renewed[i])).toEqual([holder]);
      // Someone else's release changes nothing; the holder's frees it.
      await lease.release(holders.find((h) => h !== holder)!);
      expect(await peek.leaseHolder()).toBe(holder);
      await lease.release(holder);
      expect(await peek.leaseHolder()).toBeNull();
    }
  });

  it('an expired lease is taken by another, and its old holder can no longer renew it', async () => {
    const lease = samplerLease();
    expect(await lease.take('slow', 200)).toBe(true);
    expect(await lease.take('eager', 200)).toBe(false);
    await waitFor(() => lease.take('eager', 10_000), { what: 'the lease to expire and be taken' });
    expect(await lease.renew('slow', 10_000)).toBe(false);
    expect(await peek.leaseHolder()).toBe('eager');
    await lease.release('eager');
  });

  it('parallel appends to one series: a sample older than the last is dropped, the series stays in time order', async () => {
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
    const times = Array.from({ length: 60 }, (_, i) => t0 + i * 10_000).sort(() => Math.random() - 0.5);
    const retention = { keepFineFrom: 0, keepMinuteFrom: 0, fineTtlMs: DAY, minuteTtlMs: 7 * DAY };
    const written = await Promise.all(times.map((t) => sampleStore().append([{ conn: 'race', queue: 'q', fields: ['w', t] }], t, retention)));
    const series = await peek.series('race', 'q', '10s');
    expect(written.reduce((n, w) => n + w, 0)).toBe(series.length);
    expect(series[series.length - 1].t).toBe(Math.max(...times));
    // Appends took turns: each closed minute's point is the last sample kept of that minute (its value is its time).
    const minuteOf = (t: number) => Math.floor(t / MINUTE) * MINUTE;
    const lastOfMinute = new Map<number, number>();
    for (const p of series) lastOfMinute.set(minuteOf(p.t), Math.max(lastOfMinute.get(minuteOf(p.t)) ?? 0, p.t));
    const closed = [...lastOfMinute.keys()].filter((m) => m < minuteOf(series[series.length - 1].t));
    const minutes = await peek.series('race', 'q', '1m');
    expect(minutes.map((p) => [p.t, p.waiting])).toEqual(closed.map((m) => [m, lastOfMinute.get(m)]));
  });

  it('samplers ticking together: never two holders in one round, the same one throughout', async () => {
    const samplers = Array.from({ length: 6 }, (_, i) => new Sampler({ instanceId: `replica-${i}`, intervalMs: 50, lockTtlMs: 5_000 }));
    const leaders = new Set<string>();
    for (let round = 0; round < 20; round++) {
      await Promise.all(samplers.map((s) => s.tick()));
      const holding = samplers.filter((s) => s.leader);
      expect(holding).toHaveLength(1);
      leaders.add(holding[0].instanceId);
    }
    expect(leaders.size).toBe(1);
    expect(await peek.leaseHolder()).toBe([...leaders][0]);
    await Promise.all(samplers.map((s) => s.stop()));
    expect(await peek.leaseHolder()).toBeNull();
  });
});

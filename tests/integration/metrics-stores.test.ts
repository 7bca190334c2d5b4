// Metrics on both stores (one suite, parameterized): throughput from BullMQ's per-minute metrics,
// latency percentiles from the newest completed jobs, the sampler's depth points and Prometheus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsTime, type Job } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { getQueueMetrics, readDepth } from '@/lib/metrics/queue-metrics';
import { getQueueLatency } from '@/lib/metrics/latency';
import { collectSnapshot } from '@/lib/metrics/snapshot';
import { recordSamples } from '@/lib/metrics/record-samples';
import { renderPrometheusMetrics } from '@/lib/metrics/prometheus';
import { sampleOnce } from '@/lib/metrics/sampler';
import { evaluateAlerts, resetAlertCache } from '@/lib/alerts/evaluate-alerts';
import { createAlertRule } from '@/lib/alerts/create-alert-rule';
import { listAlertRules } from '@/lib/alerts/list-alerts';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { ctxAs } from '../helpers/console-env';

describe.each(STORE_KINDS)('metrics on %s', (kind) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
    const mail = store.queue('mail-out');
    await mail.addBulk([...Array.from({ length: 6 }, (_, i) => ({ name: 'send', data: { i } })), ...Array.from({ length: 2 }, (_, i) => ({ name: 'bounce', data: { i } }))]);
    let finished = 0;
    const worker = store.worker(
      'mail-out',
      async (job: Job) => {
        if (job.name === 'bounce') throw new Error('550');
        return 'ok';
      },
      { metrics: { maxDataPoints: MetricsTime.ONE_WEEK } },
    );
    worker.on('completed', () => finished++);
    worker.on('failed', () => finished++);
    await waitFor(() => finished === 8, { what: 'eight jobs to finish', timeout: 30_000 });
    await worker.close();
    await mail.add('later', {}, { delay: 3_600_000 });
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('reads throughput from BullMQ\'s per-minute metrics', async () => {
    const metrics = await getQueueMetrics(getConnection('main'), 'mail-out', '1h');
    expect(metrics.metricsRecorded).toBe(true);
    expect(metrics.throughput).toHaveLength(60);
    expect(metrics.throughput.reduce((n, p) => n + p.completed, 0)).toBe(6);
    expect(metrics.throughput.reduce((n, p) => n + p.failed, 0)).toBe(2);
    await expect(getQueueMetrics(getConnection('main'), 'never-was', '1h')).rejects.toThrow('Queue "never-was" not found on connection "main"');
  });

  it('computes latency from the newest completed jobs, by name', async () => {
    const latency = await getQueueLatency(getConnection('main'), 'mail-out');
    expect(latency.sampled).toBe(6);
    expect(latency.byName.map((n) => n.name)).toEqual(['send']);
    expect(latency.overall.processing.p50).toBeGreaterThanOrEqual(0);
    expect(latency.newestFinishedAt).toBeGreaterThan(Date.now() - 120_000);
  });

  it('samples depth into the console\'s series and exports Prometheus gauges', async () => {
    const now = Date.now();
    const snapshot = await collectSnapshot(now);
    await recordSamples(snapshot, now);
    const depth = await readDepth('main', 'mail-out', '1h', now + 1);
    expect(depth.at(-1)).toMatchObject({ completed: 6, failed: 2, delayed: 1 });
    const { body } = await renderPrometheusMetrics(now);
    expect(body).toMatch(/drover_queue_jobs\{connection="main",queue="mail-out",state="failed"\} 2/);
  });

  it('fires an alert from the samples of a queue in this store (waiting jobs, no workers)', async () => {
    // Deliveries go to a closed local port: the rule's state is what is checked here.
    process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
    resetAlertCache();
    const unattended = store.queue('unattended');
    await unattended.addBulk([{ name: 'a', data: {} }, { name: 'b', data: {} }]);
    await discoverQueues(getConnection('main'), { refresh: true });
    const rule = await createAlertRule(ctxAs('admin'), {
      name: `no-workers-${kind}`,
      enabled: true,
      connection: 'main',
      queue: 'unattended',
      kind: 'no-workers',
      threshold: 0,
      minutes: 0,
      cooldownMinutes: 0,
      webhookUrl: 'http://127.0.0.1:9/hook',
      webhookFormat: 'json',
    });
    const now = Date.now();
    await evaluateAlerts(await sampleOnce({ now }), { now });
    expect((await listAlertRules()).find((r) => r.id === rule.id)).toMatchObject({ status: 'firing' });
  });
});

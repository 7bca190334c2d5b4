// The overview's recent failures (lib/metrics/recent-failures.ts) and the viewer-readable list of firing
// alerts (lib/alerts/list-firing-alerts.ts), against a real redis-server with data built through BullMQ.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsTime, Queue, Worker } from 'bullmq';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureFromFile } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { sampleOnce } from '@/lib/metrics/sampler';
import { recentFailures } from '@/lib/metrics/recent-failures';
import { getQueueSummaries } from '@/lib/queues/queue-summary';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { getOverview } from '@/lib/queues/get-overview';
import { evaluateAlerts } from '@/lib/alerts/evaluate-alerts';
import { listFiringAlerts } from '@/lib/alerts/list-firing-alerts';
import { writeRule, writeStates } from '@/lib/alerts/store';
import { FIRING_LISTED_MAX } from '@/lib/alerts/firing-alerts';

let redis: TestRedis;
const queues: Queue[] = [];
const MINUTE = 60_000;

function q(name: string) {
  const queue = new Queue(name, { connection: { url: redis.url } });
  queues.push(queue);
  return queue;
}

async function fail(queue: Queue, count: number, opts: { metrics?: boolean } = {}) {
  let failed = 0;
  const worker = new Worker(
    queue.name,
    async () => {
      throw new Error('no');
    },
    { connection: { url: redis.url }, concurrency: count, ...(opts.metrics ? { metrics: { maxDataPoints: MetricsTime.ONE_HOUR } } : {}) },
  );
  worker.on('failed', () => failed++);
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'x', data: { i } })));
  await waitFor(() => failed === count);
  await worker.close();
}

async function recentFailedOf(name: string): Promise<number | null | undefined> {
  await discoverQueues(getConnection('main'), { refresh: true });
  const overview = await getOverview({ refresh: true });
  return overview.connections[0].queues.find((x) => x.name === name)?.recentFailed;
}

beforeAll(async () => {
  redis = await startTestRedis();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-overview-health-'));
  const file = path.join(dir, 'drover.config.json');
  fs.writeFileSync(file, JSON.stringify({ connections: [{ name: 'main', url: redis.url }] }));
  await configureFromFile(file);
});

afterAll(async () => {
  await Promise.all(queues.map((x) => x.close()));
  await closeAllConnections();
  await redis.stop();
});

describe('recent failures on the overview', () => {
  it('counts failures that finished in the last 15 minutes (from the failed set’s finish times), not the lifetime total', async () => {
    const queue = q('payments');
    await fail(queue, 40);
    // Never sampled by the console, no BullMQ metrics: the failed set still says when each failed.
    expect(await recentFailedOf('payments')).toBe(40);
    // Seen from 16 minutes on, the same 40 are history; the lifetime total has not changed.
    const conn = getConnection('main');
    const [summary] = await getQueueSummaries(conn, ['payments']);
    expect(summary.counts.failed).toBe(40);
    expect(await recentFailures(conn, [summary], Date.now() + 16 * MINUTE)).toEqual([0]);
    await fail(queue, 7);
    expect(await recentFailedOf('payments')).toBe(47);
  });

  it('counts failures of jobs removed on failure through BullMQ’s metrics, which the failed set no longer holds', async () => {
    const queue = q('ephemeral');
    let failed = 0;
    const worker = new Worker(
      'ephemeral',
      async () => {
        throw new Error('no');
      },
      { connection: { url: redis.url }, concurrency: 5, removeOnFail: { count: 0 }, metrics: { maxDataPoints: MetricsTime.ONE_HOUR } },
    );
    worker.on('failed', () => failed++);
    await queue.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'x', data: { i } })));
    await waitFor(() => failed === 5);
    await worker.close();
    expect(await queue.getFailedCount()).toBe(0);
    expect(await recentFailedOf('ephemeral')).toBe(5);
  });

  it('uses BullMQ’s per-minute metrics when workers record them and no sample says more', async () => {
    await fail(q('mailer'), 5, { metrics: true });
    expect(await recentFailedOf('mailer')).toBe(5);
  });
});

describe('firing alerts for everyone', () => {
  it('lists the firing targets with rule name, connection, queue and since, and nothing of the rule', async () => {
    const backlog = q('backlog');
    await backlog.addBulk([{ name: 'a', data: {} }, { name: 'b', data: {} }]);
    const now = Date.now();
    await writeRule({
      id: '00000000-0000-4000-8000-00000000000a', name: 'Backlog without workers', enabled: true, kind: 'no-workers', connection: 'main', queue: 'backlog',
      threshold: 0, minutes: 0, cooldownMinutes: 0, webhookUrl: 'http://127.0.0.2:9/secret-path', webhookFormat: 'json', createdAt: now, createdBy: 'admin@test', updatedAt: now,
    });
    await writeRule({
      id: '00000000-0000-4000-8000-00000000000b', name: 'Quiet rule', enabled: true, kind: 'waiting-depth', connection: 'main', queue: 'backlog',
      threshold: 1000, minutes: 0, cooldownMinutes: 0, webhookUrl: 'http://127.0.0.2:9/other', webhookFormat: 'json', createdAt: now, createdBy: 'admin@test', updatedAt: now,
    });
    expect(await listFiringAlerts()).toEqual({ total: 0, firing: [] });
    await discoverQueues(getConnection('main'), { refresh: true });
    const { written, writeError, ...snapshot } = await sampleOnce({ now });
    expect(writeError).toBeNull();
    expect(written).toBeGreaterThan(0);
    // The webhook is at a loopback address the egress policy refuses: the state still moves to firing.
    await evaluateAlerts(snapshot, { now });
    const { firing, total } = await listFiringAlerts();
    expect(total).toBe(1);
    expect(firing).toEqual([{ rule: 'Backlog without workers', connection: 'main', queue: 'backlog', since: now }]);
    expect(JSON.stringify(firing)).not.toContain('secret-path');
  });

  it('lists at most FIRING_LISTED_MAX targets, oldest first, and counts them all', async () => {
    const now = Date.now();
    const id = '00000000-0000-4000-8000-00000000000c';
    await writeRule({
      id, name: 'Every queue', enabled: true, kind: 'no-workers', connection: 'main', queue: null,
      threshold: 0, minutes: 0, cooldownMinutes: 0, webhookUrl: 'http://127.0.0.2:9/x', webhookFormat: 'json', createdAt: now, createdBy: 'admin@test', updatedAt: now,
    });
    // A connection-wide rule fires once per queue: an outage of 500 queues is 500 targets.
    const targets = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`main/q${i}`, { connection: 'main', queue: `q${i}`, state: 'firing' as const, since: now - i, value: 1, lastNotifiedAt: null, announced: false }]),
    );
    await writeStates({ [id]: { evaluatedAt: now, targets } }, new Set([id]), []);
    const { total, firing } = await listFiringAlerts();
    expect(total).toBeGreaterThanOrEqual(500);
    expect(firing).toHaveLength(FIRING_LISTED_MAX);
    expect(firing[0].since).toBeLessThanOrEqual(firing[FIRING_LISTED_MAX - 1].since);
  });
});

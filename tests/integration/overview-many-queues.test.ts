// The overview of more queues than one summary script call reads (lib/redis/lua/queue-summaries-n.ts
// reads them in batches): every queue keeps its own counts, flags, oldest job and metrics, in order,
// against a real redis-server with data built through BullMQ.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsTime, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureFromFile } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { getQueueSummaries } from '@/lib/queues/queue-summary';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { getOverview } from '@/lib/queues/get-overview';

let redis: TestRedis;
let client: IORedis;
// 250 queues: three script calls of up to 100, the last one partly filled.
const NAMES = Array.from({ length: 250 }, (_, i) => `many-${String(i).padStart(3, '0')}`);
/** Queue i has i % 7 waiting jobs; every 10th is paused; queue 123 has metrics and failures, queue 124 a prioritized job. */
const waitingOf = (i: number) => i % 7;
const FIRST_ADDED = new Map<string, number>();

beforeAll(async () => {
  redis = await startTestRedis();
  client = new IORedis(redis.url, { maxRetriesPerRequest: null });
  for (const [i, name] of NAMES.entries()) {
    const queue = new Queue(name, { connection: client });
    if (waitingOf(i) > 0) {
      const jobs = await queue.addBulk(Array.from({ length: waitingOf(i) }, (_, k) => ({ name: 'x', data: { k } })));
      FIRST_ADDED.set(name, jobs[0].timestamp);
    } else {
      // A queue with no jobs still has its meta hash.
      await queue.waitUntilReady();
    }
    if (i % 10 === 0) await queue.pause();
    await queue.close();
  }
  const prioritized = new Queue(NAMES[124], { connection: client });
  await prioritized.obliterate({ force: true });
  const job = await prioritized.add('p', {}, { priority: 5 });
  FIRST_ADDED.set(NAMES[124], job.timestamp);
  await prioritized.close();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-overview-many-'));
  const file = path.join(dir, 'drover.config.json');
  fs.writeFileSync(file, JSON.stringify({ connections: [{ name: 'main', url: redis.url }] }));
  await configureFromFile(file);
});

afterAll(async () => {
  await closeAllConnections();
  client.disconnect();
  await redis.stop();
});

describe('the overview of 250 queues', () => {
  it('gives every queue its own counts, paused flag and oldest waiting job, in the order asked', async () => {
    const conn = getConnection('main');
    const reversed = [...NAMES].reverse();
    const summaries = await getQueueSummaries(conn, reversed);
    expect(summaries.map((s) => s.name)).toEqual(reversed);
    for (const s of summaries) {
      const i = NAMES.indexOf(s.name);
      if (i === 124) {
        expect(s.counts).toMatchObject({ waiting: 0, prioritized: 1 });
      } else {
        expect(s.counts).toMatchObject({ waiting: waitingOf(i), prioritized: 0, active: 0, completed: 0, failed: 0 });
      }
      expect(s.exists).toBe(true);
      expect(s.paused).toBe(i % 10 === 0);
      expect(s.oldestWaitingAt).toBe(FIRST_ADDED.get(s.name) ?? null);
      expect(s.completedSeries).toHaveLength(60);
      expect(s.metricsRecorded).toBe(false);
    }
  });

  it('reads BullMQ’s metrics and recent failures of the queue that has them, and of no other', async () => {
    const name = NAMES[123];
    const queue = new Queue(name, { connection: client });
    let failed = 0;
    const worker = new Worker(
      name,
      async () => {
        throw new Error('no');
      },
      { connection: { url: redis.url }, concurrency: 5, metrics: { maxDataPoints: MetricsTime.ONE_HOUR } },
    );
    worker.on('failed', () => failed++);
    // 123 % 7 = 4 jobs were waiting; they fail too.
    await queue.addBulk(Array.from({ length: 3 }, (_, k) => ({ name: 'x', data: { k } })));
    await waitFor(() => failed === 7);
    await worker.close();
    await queue.close();

    await discoverQueues(getConnection('main'), { refresh: true });
    const overview = await getOverview({ refresh: true });
    const rows = overview.connections[0].queues;
    expect(rows).toHaveLength(NAMES.length);
    const withMetrics = rows.find((r) => r.name === name)!;
    expect(withMetrics.counts.failed).toBe(7);
    expect(withMetrics.metricsRecorded).toBe(true);
    expect(withMetrics.failedSeries[0]).toBe(7);
    expect(withMetrics.recentFailed).toBe(7);
    const others = rows.filter((r) => r.name !== name);
    expect(others.every((r) => !r.metricsRecorded && r.recentFailed === 0 && r.failedSeries.every((n) => n === 0))).toBe(true);
  });
});

// The live-update plumbing behind /api/v1/events: one pulse loop per process, streams that clean up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureRedisUrl } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections } from '@/lib/redis/connections';
import { PULSE_INTERVAL_MS, subscribeToPulse } from '@/lib/events/pulse';
import { createEventStream } from '@/lib/events/sse-stream';
import { subscribeToQueue } from '@/lib/events/queue-events-hub';
import type { JobEventName, LiveEvent } from '@/lib/events/live-event';

let redis: TestRedis;
const pulseListeners = () => (globalThis as { [k: symbol]: { listeners: Set<unknown> } | undefined })[Symbol.for('drover.pulse')]?.listeners.size ?? 0;

beforeAll(async () => {
  // DEBUG SLEEP holds Redis, so a pulse tick stays in flight while the test re-subscribes.
  redis = await startTestRedis({ persistent: true, extraArgs: ['--enable-debug-command', 'yes'] });
  await configureRedisUrl(redis.url);
});
afterAll(async () => {
  await closeAllConnections();
  await redis.stop();
});

describe('pulse', () => {
  it('keeps one loop when the last listener leaves and another comes while a tick is in flight', async () => {
    const first: LiveEvent[] = [];
    const offFirst = subscribeToPulse({ overview: false, send: (e) => first.push(e) });
    await waitFor(() => first.length > 0, { what: 'a first health event' });
    // The next tick starts in ~3 s and then waits for Redis, asleep for 1.5 s.
    await new Promise((r) => setTimeout(r, PULSE_INTERVAL_MS - 500));
    const sleeping = redis.client().call('DEBUG', 'SLEEP', '1.5');
    await new Promise((r) => setTimeout(r, 800));
    offFirst();
    const second: Array<{ at: number }> = [];
    const offSecond = subscribeToPulse({ overview: false, send: () => second.push({ at: Date.now() }) });
    await sleeping;
    const awake = Date.now();
    // One loop: the tick that was in flight answers, the next comes a full interval later.
    await new Promise((r) => setTimeout(r, PULSE_INTERVAL_MS - 700));
    offSecond();
    expect(second.filter((e) => e.at >= awake - 50).length).toBe(1);
  });
});

describe('event stream', () => {
  it('releases its subscriptions when the reader cancels before the request aborts', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    const controller = new AbortController();
    const stream = createEventStream({ queues: [{ connection: 'default', queue: 'live' }], overview: false, signal: controller.signal });
    const reader = stream.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain(': connected');
    expect(pulseListeners()).toBe(1);
    await reader.cancel();
    expect(pulseListeners()).toBe(0);
    // Its flush and heartbeat intervals are gone too.
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    // The abort that follows is harmless.
    controller.abort();
    expect(pulseListeners()).toBe(0);
  });
});

describe('shared event reader', () => {
  it('reconnects after Redis restarts and delivers the events published after it', async () => {
    const seen: string[] = [];
    const off = subscribeToQueue('default', 'restarted', (e) => {
      if (e.type === 'job' && e.event === 'waiting') seen.push(e.jobId);
    });
    const producer = new Queue('restarted', { connection: { url: redis.url, maxRetriesPerRequest: null, retryStrategy: () => 200 } });
    producer.on('error', () => {});
    try {
      await new Promise((r) => setTimeout(r, 300));
      const before = await producer.add('before', {});
      await waitFor(() => seen.includes(before.id!), { what: 'an event before the restart' });
      // appendfsync everysec: let the stream reach the AOF, then kill Redis and start it again.
      await new Promise((r) => setTimeout(r, 1200));
      await redis.stop('SIGKILL');
      redis = await startTestRedis({ persistent: true, dir: redis.dir, port: redis.port, extraArgs: ['--enable-debug-command', 'yes'] });
      const after = await producer.add('after', {});
      await waitFor(() => seen.includes(after.id!), { timeout: 20_000, what: 'an event after the restart' });
    } finally {
      off();
      await producer.close();
    }
  });
});

describe('event shapes', () => {
  it('forwards what BullMQ\'s own QueueEvents sees, in the LiveEvent shapes the UI reads', async () => {
    const connection = { url: redis.url, maxRetriesPerRequest: null };
    const ours: LiveEvent[] = [];
    const off = subscribeToQueue('default', 'shapes', (e) => ours.push(e));
    // The reference: BullMQ's QueueEvents, mapped the way the console mapped it before the shared reader.
    const theirs: LiveEvent[] = [];
    const reference = new QueueEvents('shapes', { connection });
    const jobEvents: JobEventName[] = ['added', 'waiting', 'active', 'progress', 'completed', 'failed', 'delayed', 'removed', 'stalled', 'waiting-children', 'retries-exhausted', 'duplicated', 'deduplicated'];
    for (const name of jobEvents) {
      reference.on(name as 'completed', (args: { jobId: string; data?: unknown; failedReason?: string }) =>
        theirs.push({
          type: 'job',
          connection: 'default',
          queue: 'shapes',
          event: name,
          jobId: String(args.jobId),
          ...(name === 'progress' ? { progress: args.data } : {}),
          ...(name === 'failed' && args.failedReason ? { failedReason: String(args.failedReason).slice(0, 300) } : {}),
        }),
      );
    }
    for (const name of ['paused', 'resumed', 'cleaned', 'drained'] as const) reference.on(name as 'paused', () => theirs.push({ type: 'queue', connection: 'default', queue: 'shapes', event: name }));
    await reference.waitUntilReady();
    await new Promise((r) => setTimeout(r, 300));

    const queue = new Queue('shapes', { connection });
    const worker = new Worker(
      'shapes',
      async (job) => {
        await job.updateProgress({ step: 1, of: 2 });
        await job.updateProgress(50);
        if (job.data.fail) throw new Error(`broke: ${'x'.repeat(400)}`);
        return { big: 'y'.repeat(10_000) };
      },
      { connection },
    );
    try {
      await queue.add('ok', {});
      await queue.add('bad', { fail: true }, { jobId: 'bad-1' });
      await queue.add('dup', {}, { jobId: 'bad-1' });
      await waitFor(async () => (await queue.getCompletedCount()) === 1 && (await queue.getFailedCount()) === 1, { what: 'both jobs processed' });
      await worker.close();
      await queue.add('later', {}, { delay: 60_000, jobId: 'later-1' });
      await queue.remove('later-1');
      await queue.pause();
      await queue.resume();
      await queue.clean(0, 10, 'completed');
      const settled = () => theirs.length > 0 && ours.length === theirs.length;
      await waitFor(settled, { timeout: 15_000, what: `the same number of events (ours ${ours.length}, BullMQ ${theirs.length})` });
      expect(ours).toEqual(theirs);
      const kinds = new Set(ours.map((e) => (e.type === 'job' || e.type === 'queue' ? e.event : e.type)));
      for (const k of ['added', 'waiting', 'active', 'progress', 'completed', 'failed', 'retries-exhausted', 'duplicated', 'delayed', 'removed', 'paused', 'resumed', 'cleaned', 'drained']) expect(kinds, k).toContain(k);
    } finally {
      off();
      await Promise.all([worker.close(), queue.close(), reference.close()]);
    }
  });
});

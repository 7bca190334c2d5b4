// The live-update plumbing behind /api/v1/events: one pulse loop per process, streams that clean up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureRedisUrl } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections } from '@/lib/redis/connections';
import { PULSE_INTERVAL_MS, subscribeToPulse } from '@/lib/events/pulse';
import { createEventStream } from '@/lib/events/sse-stream';
import type { LiveEvent } from '@/lib/events/live-event';

let redis: TestRedis;
const pulseListeners = () => (globalThis as { [k: symbol]: { listeners: Set<unknown> } | undefined })[Symbol.for('drover.pulse')]?.listeners.size ?? 0;

beforeAll(async () => {
  // DEBUG SLEEP holds Redis, so a pulse tick stays in flight while the test re-subscribes.
  redis = await startTestRedis({ extraArgs: ['--enable-debug-command', 'yes'] });
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
  }, 20_000);
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

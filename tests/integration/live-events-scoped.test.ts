// Live events under team scopes (README › Team scopes): a stream never carries an event of a queue
// outside its caller's scope. A scoped viewer's stream, under 10,000 events spread over its queue and
// another one, gets every event of its queue (one by one or counted in bursts) and none of the other;
// naming the other queue answers exactly like naming a queue that does not exist.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureConnections } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections } from '@/lib/redis/connections';
import { principalWithAccess, type Principal } from '@/lib/auth/principal';
import { openEventStream } from '@/lib/events/open-event-stream';
import { createEventStream } from '@/lib/events/sse-stream';
import { queueFilterOf } from '@/lib/auth/queue-filter';
import { accessOf } from '@/lib/auth/principal';
import { subscribeToQueue } from '@/lib/events/queue-events-hub';
import type { LiveEvent } from '@/lib/events/live-event';
import { NotFoundError } from '@/lib/errors';
import { refusal } from '../helpers/operations';

let redis: TestRedis;
const closables: Array<{ close: () => Promise<unknown> }> = [];

// A CLI-kind principal: the stream's periodic re-check (stillAllowed) has no user record to read.
const viewer: Principal = principalWithAccess({ kind: 'cli', id: 'scoped-viewer', name: 'scoped-viewer' }, { global: null, grants: [{ connection: 'main', queue: 'billing', role: 'viewer' }] });

beforeAll(async () => {
  redis = await startTestRedis();
  await configureConnections([{ name: 'main', url: redis.url }]);
});
afterAll(async () => {
  await Promise.all(closables.map((c) => c.close().catch(() => {})));
  await closeAllConnections();
  await redis.stop();
});

function producer(name: string): Queue {
  const q = new Queue(name, { connection: { url: redis.url } });
  q.on('error', () => {});
  closables.push(q);
  return q;
}

/** Reads a live stream's frames into `events` until `signal` aborts. */
async function collect(response: Response, events: LiveEvent[]): Promise<void> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of frame.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as LiveEvent);
    }
  }
}

const query = (...queues: string[]) => ({ queue: queues.map((q) => ({ connection: 'main', queue: q })) });

describe('a scoped viewer’s live stream', () => {
  it('answers a subscription to an out-of-scope queue exactly like one to an unknown queue', async () => {
    await producer('secret').add('seed', {});
    await producer('billing').add('seed', {});
    const signal = new AbortController().signal;
    const hidden = await refusal(openEventStream(viewer, query('secret'), signal));
    const unknown = await refusal(openEventStream(viewer, query('no-such-queue'), signal));
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect(hidden.message).toBe('Queue "secret" not found on connection "main"');
    expect(unknown.message).toBe('Queue "no-such-queue" not found on connection "main"');
    // Named with its own queue: still refused, naming only the hidden one.
    expect((await refusal(openEventStream(viewer, query('billing', 'secret'), signal))).message).toBe('Queue "secret" not found on connection "main"');
    // An unknown or out-of-scope connection: the same as an unknown one.
    expect((await refusal(openEventStream(viewer, { queue: [{ connection: 'elsewhere', queue: 'billing' }] }, signal))).message).toBe('Unknown connection "elsewhere"');
  });

  it('under 10,000 events over its queue and another, carries every event of its queue and none of the other', async () => {
    const billing = producer('billing');
    const secret = producer('secret');
    // What the shared reader delivers for each queue (the same watch the stream uses): the ground truth.
    const truth = { billing: 0, secret: 0 };
    const offBilling = subscribeToQueue('main', 'billing', (e) => e.type === 'job' && (truth.billing += 1));
    const offSecret = subscribeToQueue('main', 'secret', (e) => e.type === 'job' && (truth.secret += 1));
    const controller = new AbortController();
    const events: LiveEvent[] = [];
    const response = await openEventStream(viewer, { ...query('billing'), overview: '1' }, controller.signal);
    const reading = collect(response, events);
    const perQueue = 2_500;
    try {
      // Each added job is two events ("added", "waiting"): 5,000 per queue, interleaved in batches.
      for (let i = 0; i < perQueue; i += 250) {
        const batch = Array.from({ length: 250 }, (_, k) => ({ name: 'load', data: { n: i + k } }));
        await Promise.all([billing.addBulk(batch), secret.addBulk(batch)]);
      }
      await waitFor(() => truth.billing >= 2 * perQueue && truth.secret >= 2 * perQueue, { timeout: 60_000, what: 'the reader to deliver 10,000 events' });
      const carried = () =>
        events.reduce((n, e) => {
          if (e.type === 'job' && e.queue === 'billing') return n + 1;
          if (e.type === 'burst' && e.queue === 'billing') return n + e.count;
          return n;
        }, 0);
      // Every event of its queue, one by one or counted in a burst (README › Live updates).
      await waitFor(() => carried() === truth.billing, { timeout: 30_000, what: `the stream to carry all ${truth.billing} events of billing (has ${carried()})` });
      // A snapshot of the overview, cut to its queue.
      const snapshot = (await waitFor(() => events.find((e) => e.type === 'overview'), { timeout: 15_000, what: 'an overview snapshot' })) as Extract<LiveEvent, { type: 'overview' }>;
      const overview = snapshot.overview as { connections: Array<{ name: string; queues: Array<{ name: string }>; queueNames: string[] }> };
      expect(overview.connections.map((c) => c.name)).toEqual(['main']);
      expect(overview.connections[0].queues.map((q) => q.name)).toEqual(['billing']);
      expect(overview.connections[0].queueNames).toEqual(['billing']);
    } finally {
      controller.abort();
      offBilling();
      offSecret();
      await reading;
    }
    expect(truth.secret).toBeGreaterThanOrEqual(2 * perQueue);
    // Nothing of the other queue, in any frame.
    expect(events.filter((e) => 'queue' in e && e.queue !== 'billing')).toEqual([]);
    expect(JSON.stringify(events)).not.toContain('secret');
  });

  it('drops an out-of-scope queue’s events even from a stream that watches that queue (the check per event)', async () => {
    const billing = producer('billing');
    const secret = producer('secret');
    const truth = { billing: 0, secret: 0 };
    const offBilling = subscribeToQueue('main', 'billing', (e) => e.type === 'job' && (truth.billing += 1));
    const offSecret = subscribeToQueue('main', 'secret', (e) => e.type === 'job' && (truth.secret += 1));
    const controller = new AbortController();
    // Built past openEventStream's check: as if the grants narrowed while the stream was open.
    const stream = createEventStream({ queues: [{ connection: 'main', queue: 'billing' }, { connection: 'main', queue: 'secret' }], overview: false, signal: controller.signal, filter: queueFilterOf(accessOf(viewer)) });
    const events: LiveEvent[] = [];
    const reading = collect(new Response(stream), events);
    try {
      // Jobs added until the reader has delivered events of both queues (the watches are live).
      await waitFor(
        async () => {
          await Promise.all([billing.add('probe', {}), secret.add('probe', {})]);
          return truth.billing > 0 && truth.secret > 0;
        },
        { interval: 100, what: 'events of both queues' },
      );
      await waitFor(() => events.filter((e) => e.type === 'job').length === truth.billing, { what: 'the stream to carry billing’s events' });
    } finally {
      controller.abort();
      offBilling();
      offSecret();
      await reading;
    }
    expect(events.filter((e) => 'queue' in e && e.queue === 'secret')).toEqual([]);
  });
});

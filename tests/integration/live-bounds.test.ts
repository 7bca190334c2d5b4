// Live updates under a hostile viewer: /api/v1/events watches only queues that exist, caps streams per
// user and per process, shares one Redis connection per Drover connection however many queues are
// watched, holds a bounded buffer for a client that does not read and drops it when it falls behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureConnections, configureRedisUrl, ctxAs } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { revokeToken } from '@/lib/users/revoke-token';
import { createEventStream } from '@/lib/events/sse-stream';
import { subscribeToQueue } from '@/lib/events/queue-events-hub';
import { subscribeToPulse } from '@/lib/events/pulse';
import type { LiveEvent } from '@/lib/events/live-event';
import * as eventsRoute from '@/app/api/v1/events/route';

const QUEUES = Array.from({ length: 60 }, (_, i) => `bounded-${i}`);
const noParams = { params: Promise.resolve({}) };
let redis: TestRedis;
let info: Redis;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

const pulseListeners = () => (globalThis as { [k: symbol]: { listeners: Set<unknown> } | undefined })[Symbol.for('drover.pulse')]?.listeners.size ?? 0;

async function connectedClients(): Promise<number> {
  return Number(/connected_clients:(\d+)/.exec(await info.info('clients'))![1]);
}
async function eventsClients(): Promise<number> {
  return (await info.call('CLIENT', 'LIST') as string).split('\n').filter((l) => /name=drover:events\b/.test(l)).length;
}

type Stream = { status: number; response: Response; events: LiveEvent[]; close: () => void };

/** GET /api/v1/events through the real route handler, reading every frame in the background. */
async function openStream(token: string, refs: string[]): Promise<Stream> {
  const abort = new AbortController();
  const query = refs.map((r) => `queue=${encodeURIComponent(r)}`).join('&');
  const response = await eventsRoute.GET(new Request(`http://console.test/api/v1/events?${query}`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal }), noParams);
  const events: LiveEvent[] = [];
  const reader = response.status === 200 ? response.body!.getReader() : null;
  if (reader) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer.slice(0, cut).split('\n').find((l) => l.startsWith('data: '));
          buffer = buffer.slice(cut + 2);
          if (data) events.push(JSON.parse(data.slice(6)) as LiveEvent);
        }
      }
    })();
  }
  const stream = {
    status: response.status,
    response,
    events,
    close: () => {
      abort.abort();
      void reader?.cancel().catch(() => {});
    },
  };
  cleanups.push(stream.close);
  return stream;
}

async function viewerToken(name: string): Promise<string> {
  return (await issueApiToken(ctxAs('admin'), { name, role: 'viewer' })).token;
}

beforeAll(async () => {
  process.env.DROVER_SSE_MAX_STREAMS = '50';
  redis = await startTestRedis();
  await configureRedisUrl(redis.url);
  info = redis.client();
  // Constructing a Queue writes its meta key: these queues exist, nothing else does.
  for (const name of QUEUES) {
    const queue = new Queue(name, { connection: { url: redis.url } });
    await queue.waitUntilReady();
    await queue.close();
  }
  await waitFor(async () => (await info.exists(...QUEUES.map((q) => `bull:${q}:meta`))) === QUEUES.length, { what: 'meta keys' });
});

afterAll(async () => {
  for (const close of cleanups.reverse()) await close();
  delete process.env.DROVER_SSE_MAX_STREAMS;
  await closeAllConnections();
  await redis.stop();
});

describe('/api/v1/events bounds', () => {
  it('answers 404 naming the queues that do not exist, and opens no listener for them', async () => {
    const token = await viewerToken('prober');
    const single = await openStream(token, ['default/made-up']);
    expect(single.status).toBe(404);
    expect(await single.response.json()).toEqual({ error: { code: 'not_found', message: 'Queue "made-up" not found on connection "default"' } });
    const connection = await openStream(token, ['nowhere/bounded-0']);
    expect(connection.status).toBe(404);
    expect((await connection.response.json()).error.message).toBe('Unknown connection "nowhere"');

    // The acceptance case: one viewer token, 50 streams of 20 names each, most of them made up.
    const before = await connectedClients();
    for (let s = 0; s < 50; s++) {
      const refs = [...QUEUES.slice(0, 5), ...Array.from({ length: 15 }, (_, i) => `fake-${s}-${i}`)].map((q) => `default/${q}`);
      const stream = await openStream(token, refs);
      expect(stream.status).toBe(404);
      const { message } = (await stream.response.json()).error;
      expect(message).toBe(`Queues not found on connection "default": "fake-${s}-0", "fake-${s}-1", "fake-${s}-2", "fake-${s}-3", "fake-${s}-4" and 10 more`);
    }
    expect(await connectedClients()).toBe(before);
    expect(await eventsClients()).toBe(0);
    expect(pulseListeners()).toBe(0);
  });

  it('refuses more than 20 queues in one stream', async () => {
    const token = await viewerToken('greedy');
    const stream = await openStream(token, QUEUES.slice(0, 21).map((q) => `default/${q}`));
    expect(stream.status).toBe(400);
    expect((await stream.response.json()).error.message).toMatch(/at most 20 queues per stream/);
  });

  it('50 streams × 20 queues from viewer tokens hold 1 Redis connection; caps per token and per process answer 429; every stream gets the events', async () => {
    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => viewerToken(`wallboard-${i}`)));
    // The console's own client is up before the baseline is taken.
    await getConnection('default').redis.ping();
    const baseline = await connectedClients();

    const streams: Stream[] = [];
    for (let s = 0; s < 50; s++) {
      // Every stream watches bounded-0 and 19 others: all 60 queues are watched.
      const refs = ['bounded-0', ...Array.from({ length: 19 }, (_, j) => QUEUES[1 + ((s * 19 + j) % 59)])].map((q) => `default/${q}`);
      const stream = await openStream(tokens[Math.floor(s / 10)], refs);
      expect(stream.status, `stream ${s}`).toBe(200);
      streams.push(stream);
    }

    // One shared reader for all 60 watched queues of the connection.
    await waitFor(async () => (await eventsClients()) >= 1, { what: 'the shared events reader' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await eventsClients()).toBe(1);
    expect(await connectedClients()).toBeLessThanOrEqual(baseline + 1);

    // An 11th stream for one token, and a 51st for the process (DROVER_SSE_MAX_STREAMS=50 here).
    const perUser = await openStream(tokens[0], ['default/bounded-1']);
    expect(perUser.status).toBe(429);
    expect(perUser.response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await perUser.response.json()).error).toEqual({ code: 'rate_limited', message: expect.stringMatching(/^Too many live streams for this user or token \(10 open, the limit is 10\)/) });
    const perProcess = await openStream(tokens[5], ['default/bounded-1']);
    expect(perProcess.status).toBe(429);
    expect(perProcess.response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await perProcess.response.json()).error.message).toMatch(/^Too many live streams on this console \(50 open, the limit is 50\)/);

    // A job of the queue every stream watches: its completed event reaches all 50.
    const producer = new Queue('bounded-0', { connection: { url: redis.url } });
    const worker = new Worker('bounded-0', async () => 'done', { connection: { url: redis.url, maxRetriesPerRequest: null } });
    const job = await producer.add('watched', { n: 1 });
    await waitFor(() => streams.every((s) => s.events.some((e) => e.type === 'job' && e.event === 'completed' && e.jobId === job.id)), {
      timeout: 20_000,
      what: 'the completed event on all 50 streams',
    });
    // And a job of a queue only some streams watch reaches those and no others.
    const side = new Queue(QUEUES[7], { connection: { url: redis.url } });
    const sideJob = await side.add('side', {});
    const watching = streams.filter((_, s) => Array.from({ length: 19 }, (_, j) => 1 + ((s * 19 + j) % 59)).includes(7));
    await waitFor(() => watching.every((s) => s.events.some((e) => e.type === 'job' && e.queue === QUEUES[7] && e.jobId === sideJob.id)), { what: 'the side event' });
    for (const s of streams.filter((x) => !watching.includes(x))) expect(s.events.some((e) => e.type === 'job' && e.queue === QUEUES[7])).toBe(false);
    await Promise.all([worker.close(), producer.close(), side.close()]);
    await waitFor(async () => (await connectedClients()) <= baseline + 1, { what: 'worker and producers gone' });
    expect(await eventsClients()).toBe(1);

    // Closing the streams frees the slots and, once nothing is watched, the reader's connection.
    for (const s of streams) s.close();
    await waitFor(async () => (await connectedClients()) === baseline, { what: 'the reader closed' });
    const again = await openStream(tokens[0], ['default/bounded-1']);
    expect(again.status).toBe(200);
    again.close();
  });

  it('resumes from the last event id when the reader connection is killed', async () => {
    const token = await viewerToken('resumer');
    const stream = await openStream(token, ['default/bounded-3']);
    expect(stream.status).toBe(200);
    const producer = new Queue('bounded-3', { connection: { url: redis.url } });
    cleanups.push(() => producer.close());
    const first = await producer.add('before', {});
    await waitFor(() => stream.events.some((e) => e.type === 'job' && e.jobId === first.id), { what: 'the first event' });
    // Kill the reader's connection, then publish while it is down: nothing may be lost.
    const readerLine = (await info.call('CLIENT', 'LIST') as string).split('\n').find((l) => /name=drover:events\b/.test(l))!;
    await info.client('KILL', 'ID', /\bid=(\d+)/.exec(readerLine)![1]);
    const during = await producer.addBulk([1, 2, 3].map((n) => ({ name: 'during', data: { n } })));
    await waitFor(() => during.every((j) => stream.events.some((e) => e.type === 'job' && e.event === 'waiting' && e.jobId === j.id)), { timeout: 15_000, what: 'the events published while the reader was down' });
    stream.close();
  });

  it('watches a queue named in the config before it has any key', async () => {
    await configureConnections([{ name: 'default', url: redis.url, queues: ['planned'] }]);
    const token = await viewerToken('planner');
    const stream = await openStream(token, ['default/planned']);
    expect(stream.status).toBe(200);
    stream.close();
  });
});

describe('a client that stops reading', () => {
  it('holds at most 1 MiB plus one frame unread, then tells the client what it left out with a burst', async () => {
    const producer = new Queue('bulky', { connection: { url: redis.url } });
    cleanups.push(() => producer.close());
    const job = await producer.add('big progress', {});
    const stream = createEventStream({ queues: [{ connection: 'default', queue: 'bulky' }], overview: false, signal: new AbortController().signal });
    let delivered = 0;
    const off = subscribeToQueue('default', 'bulky', (e) => {
      if (e.type === 'job' && e.event === 'progress') delivered += 1;
    });
    cleanups.push(off);
    await new Promise((r) => setTimeout(r, 1500));
    // 40 progress events of 64 KB each (2.6 MB) while nobody reads the stream.
    for (let i = 0; i < 40; i++) await job.updateProgress({ i, blob: 'x'.repeat(64 * 1024) });
    await waitFor(() => delivered === 40, { what: 'all 40 progress events fanned out' });

    // Now read: what the stream held, then what it sends once there is room.
    const reader = stream.getReader();
    const frames: string[] = [];
    const decoder = new TextDecoder();
    let text = '';
    let read = reader.read();
    for (;;) {
      // Queued frames come at once; the burst follows within a flush (100 ms): 1.5 s of silence ends it.
      const next = await Promise.race([read, new Promise<null>((r) => setTimeout(() => r(null), 1500))]);
      if (next === null || next.done) break;
      text += decoder.decode(next.value, { stream: true });
      read = reader.read();
    }
    let cut;
    while ((cut = text.indexOf('\n\n')) >= 0) {
      frames.push(text.slice(0, cut + 2));
      text = text.slice(cut + 2);
    }
    const burstAt = frames.findIndex((f) => f.includes('"type":"burst"'));
    expect(burstAt).toBeGreaterThan(0);
    const held = frames.slice(0, burstAt);
    const heldBytes = held.reduce((n, f) => n + Buffer.byteLength(f), 0);
    const progressFrame = held.find((f) => f.includes('"event":"progress"'))!;
    expect(heldBytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(heldBytes).toBeLessThan(1024 * 1024 + Buffer.byteLength(progressFrame));
    const heldProgress = held.filter((f) => f.includes('"event":"progress"')).length;
    expect(JSON.parse(frames[burstAt].slice('data: '.length))).toEqual({ type: 'burst', connection: 'default', queue: 'bulky', count: 40 - heldProgress });
    await reader.cancel();
  });

  it('queues at most one overview and one health snapshot for a client that does not read', async () => {
    const stream = createEventStream({ queues: [], overview: true, signal: new AbortController().signal });
    let ticks = 0;
    const off = subscribeToPulse({ overview: true, send: (e) => (ticks += e.type === 'overview' ? 1 : 0) });
    cleanups.push(off);
    // Three pulse ticks (one every 3 s) while the stream is not read.
    await waitFor(() => ticks >= 3, { timeout: 20_000, what: 'three overview snapshots' });
    const reader = stream.getReader();
    let text = '';
    let read = reader.read();
    for (;;) {
      const next = await Promise.race([read, new Promise<null>((r) => setTimeout(() => r(null), 300))]);
      if (next === null || next.done) break;
      text += new TextDecoder().decode(next.value);
      read = reader.read();
    }
    expect(text.split('"type":"overview"').length - 1).toBe(1);
    expect(text.split('"type":"health"').length - 1).toBe(1);
    await reader.cancel();
  });

  it('ends an open stream once its token is revoked or has expired, not only the next request', async () => {
    process.env.DROVER_SSE_REVALIDATE_MS = '200';
    try {
      for (const end of ['revoked', 'expired'] as const) {
        const { token, record } = await issueApiToken(ctxAs('admin'), { name: `${end}-watcher`, role: 'viewer', ...(end === 'expired' ? { expiresIn: 2000 } : {}) });
        const res = await eventsRoute.GET(new Request('http://console.test/api/v1/events?queue=default%2Fbounded-0', { headers: { authorization: `Bearer ${token}` } }), noParams);
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        await reader.read();
        if (end === 'revoked') await revokeToken(ctxAs('admin'), { id: record.id });
        // The stream ends by itself: reads drain what was sent, then report done.
        const ended = (async () => {
          for (;;) if ((await reader.read()).done) return true;
        })();
        await expect(Promise.race([ended, new Promise((r) => setTimeout(() => r(false), 15_000))])).resolves.toBe(true);
      }
    } finally {
      delete process.env.DROVER_SSE_REVALIDATE_MS;
    }
  });

  it('is dropped once its oldest unread byte is older than DROVER_SSE_MAX_LAG_MS', async () => {
    process.env.DROVER_SSE_MAX_LAG_MS = '1500';
    try {
      const before = pulseListeners();
      const stream = createEventStream({ queues: [], overview: false, signal: new AbortController().signal });
      expect(pulseListeners()).toBe(before + 1);
      await waitFor(() => pulseListeners() === before, { timeout: 10_000, what: 'the lagging stream dropped' });
      await expect(stream.getReader().read()).rejects.toThrow(/unread for more than 1500 ms/);
    } finally {
      delete process.env.DROVER_SSE_MAX_LAG_MS;
    }
  });
});

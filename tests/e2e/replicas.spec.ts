// Two console processes on the same Redis: sessions valid on both, one metrics sampler, live
// updates on both.
import fs from 'node:fs';
import { test, expect } from '@playwright/test';
import { startConsole, waitHealthy } from './console-process';
import { Queue, Worker, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { baseURL, redisUrl, storageStatePath, stretched } from './support';

/** Reads SSE `data:` events from a console until `match` accepts one, or the timeout passes. */
async function waitForEvent(base: string, cookie: string, query: string, match: (e: Record<string, unknown>) => boolean, signal: AbortSignal): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/api/v1/events?${query}`, { headers: { cookie }, signal });
  if (!res.ok || !res.body) throw new Error(`SSE ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = frame.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const event = JSON.parse(data.slice(6));
      if (match(event)) {
        await reader.cancel().catch(() => {});
        return event;
      }
    }
  }
}

test('a second console replica shares sessions and live updates, and only one of them samples', async () => {
  test.setTimeout(stretched(420_000));
  const port = Number(process.env.E2E_PORT) + 4;
  const second = `http://localhost:${port}`;
  const replica = startConsole(port, { REDIS_URL: redisUrl(), AUTH_SECRET: process.env.E2E_AUTH_SECRET, DROVER_SAMPLE_INTERVAL_MS: '1000', LOG_LEVEL: 'error' });
  const redis = new IORedis(redisUrl());
  const queue = new Queue(`replicas-${Date.now()}`, { connection: { url: redisUrl() } });
  let worker: Worker | undefined;
  const abort = new AbortController();
  try {
    await waitHealthy(replica);

    // The same session cookie works on both replicas (shared secret, users in Redis).
    const state = JSON.parse(fs.readFileSync(storageStatePath('admin'), 'utf8')) as { cookies: Array<{ name: string; value: string }> };
    const cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    for (const base of [baseURL, second]) {
      const me = await fetch(`${base}/api/v1/me`, { headers: { cookie } });
      expect(me.status, base).toBe(200);
      expect(((await me.json()) as { role: string }).role).toBe('admin');
    }

    // Live updates reach a browser connected to either replica.
    await queue.add('watched', {});
    let running: Job | undefined;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    worker = new Worker(queue.name, async (job) => {
      running = job;
      await gate;
    }, { connection: { url: redisUrl() } });
    await expect.poll(() => running !== undefined).toBe(true);
    const wanted = (e: Record<string, unknown>) => e.type === 'job' && e.event === 'progress' && e.progress === 61;
    const onBoth = Promise.all([baseURL, second].map((base) => waitForEvent(base, cookie, `queue=default/${queue.name}`, wanted, abort.signal)));
    // Said again until both streams have it: a stream's subscription is in place some time after it
    // opens (later on a loaded machine), and a progress update sent before that is not replayed.
    let said = true;
    const repeat = (async () => {
      while (said) {
        await running!.updateProgress(61);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const events = await onBoth.finally(() => (said = false));
    await repeat;
    expect(events).toHaveLength(2);
    release();

    // One sampler: its ticks start at least the interval (1 s) apart, and a point's id is its tick's
    // time, so the next 6 points of a queue's series are each ≥ ~1 s after the one before. Two samplers
    // at 1 s would put points about twice as often (some under 0.5 s apart). Waited for by count, so
    // a loaded machine only spaces them further.
    const key = `drover:{console}:metrics:default:${queue.name}:10s`;
    await expect.poll(async () => redis.xlen(key), { timeout: 30_000 }).toBeGreaterThan(0);
    const holder = await redis.get('drover:{console}:metrics:sampler-lock');
    expect(holder).toBeTruthy();
    const [[lastId]] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
    let points: number[] = [];
    await expect
      .poll(async () => (points = [lastId, ...(await redis.xrange(key, `(${lastId}`, '+')).map(([id]) => id)].map((id) => Number(id.split('-')[0]))).length - 1, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(6);
    const gaps = points.slice(1, 7).map((t, i) => t - points[i]);
    expect(Math.min(...gaps), `gaps between points: ${gaps.join(', ')} ms`).toBeGreaterThanOrEqual(900);
    expect(await redis.get('drover:{console}:metrics:sampler-lock')).toBe(holder);
  } finally {
    abort.abort();
    await worker?.close(true);
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    redis.disconnect();
    await replica.stop();
  }
});

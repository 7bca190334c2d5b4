// A live-stream client that stops reading, against a real console process over a raw socket: the
// console holds at most its bounded buffer for it, drops it once it falls DROVER_SSE_MAX_LAG_MS behind,
// and its memory (RSS) returns to the baseline, however much the watched queue publishes. Uses its own Redis and console so RSS is this test's alone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { Queue } from 'bullmq';
import { startConsole, waitHealthy, type ConsoleProcess } from './console-process';
import { startRedisServer, type RedisServerHandle } from '../../lib/embedded/redis-server.mjs';
import { stretched } from './support';

const MB = 1024 * 1024;
const PROGRESS_BYTES = 64 * 1024;
const PROGRESS_EVENTS = 4000; // 256 MB published while the client reads nothing
const RSS_TOLERANCE = 80 * MB;
const LAG_MS = 2000;

/** RSS of the console's process tree (scripts/start.mjs and the server it runs), in bytes. */
function treeRss(pid: number): number {
  let total = 0;
  const walk = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        const children = fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        for (const child of children ? children.split(/\s+/) : []) walk(Number(child));
      }
    } catch {
      /* the process ended meanwhile */
    }
  };
  walk(pid);
  return total;
}

function viewerToken(redisUrl: string): string {
  const env = { ...process.env, REDIS_URL: redisUrl, DROVER_CONFIG: undefined } as NodeJS.ProcessEnv;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'scripts/users.ts', 'token', 'create', '--name', 'stalled', '--role', 'viewer'], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`users token create failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Status of a fresh stream for the token, closed at once (the per-token cap is 1 on this console). */
async function probeStatus(base: string, token: string): Promise<number> {
  const abort = new AbortController();
  try {
    const res = await fetch(`${base}/api/v1/events?queue=default/firehose`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    return res.status;
  } finally {
    abort.abort();
  }
}

test('a client that stops reading is dropped once it falls behind, and the console RSS returns to its baseline', async () => {
  test.setTimeout(stretched(300_000));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-live-bounds-'));
  const redis: RedisServerHandle = await startRedisServer({ dir: path.join(dir, 'redis') });
  const port = Number(process.env.E2E_PORT) + 6;
  const base = `http://localhost:${port}`;
  let console_: ConsoleProcess | undefined;
  let stalled: net.Socket | undefined;
  // The stream keeps ~100 entries, so Redis holds a few of the 64 KB events, not all 256 MB.
  const queue = new Queue('firehose', { connection: { url: redis.url }, streams: { events: { maxLen: 100 } } });
  try {
    const job = await queue.add('chatty', {});
    const token = viewerToken(redis.url);
    console_ = startConsole(port, {
      REDIS_URL: redis.url,
      AUTH_SECRET: 'live-bounds-secret-0123456789',
      LOG_LEVEL: 'warn',
      DROVER_SAMPLER: 'off',
      DROVER_SSE_MAX_STREAMS_PER_USER: '1',
      DROVER_SSE_MAX_LAG_MS: String(LAG_MS),
    }, dir);
    await waitHealthy(console_);
    const progress = (i: number) => job.updateProgress({ i, blob: 'x'.repeat(PROGRESS_BYTES) });

    // Warm up with a client that reads: it gets the large progress events (or, when they come faster
    // than it reads, a burst for what was left out), and it is never dropped.
    const abort = new AbortController();
    const reading = await fetch(`${base}/api/v1/events?queue=default/firehose`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    expect(reading.status).toBe(200);
    const reader = reading.body!.getReader();
    let received = '';
    const decoder = new TextDecoder();
    const readAll = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        // Keep the small frames only: enough to find the markers below.
        received += decoder.decode(value, { stream: true }).replace(/x{1000,}/g, '');
      }
    })();
    // The stream's subscription is in place some time after it opens (later on a loaded machine): a
    // small update, said again until it arrives, shows it is, before the large ones go.
    await expect
      .poll(async () => {
        await job.updateProgress({ subscribed: true });
        return received.includes('"subscribed":true');
      }, { timeout: 60_000, intervals: [500] })
      .toBe(true);
    for (let i = 0; i < 40; i++) await progress(i);
    await expect.poll(() => received.includes('"i":39') || received.includes('"type":"burst"'), { timeout: 30_000 }).toBe(true);
    // Past the lag bound it still gets events: a client that reads is not dropped.
    await new Promise((r) => setTimeout(r, LAG_MS + 1000));
    await job.updateProgress(777);
    await expect.poll(() => received.includes('"progress":777'), { timeout: 30_000 }).toBe(true);
    abort.abort();
    await readAll;
    await expect.poll(() => probeStatus(base, token), { timeout: 30_000 }).toBe(200);
    await new Promise((r) => setTimeout(r, 2000));
    const baseline = treeRss(console_.child.pid!);

    // A client that sends the request and then reads nothing more.
    stalled = net.connect(port, '127.0.0.1');
    let closedBy: string | null = null;
    stalled.on('error', (err) => (closedBy ??= (err as NodeJS.ErrnoException).code ?? err.message));
    stalled.on('close', () => (closedBy ??= 'close'));
    const head = await new Promise<string>((resolve) => {
      stalled!.once('data', (chunk) => {
        stalled!.pause();
        resolve(chunk.toString('latin1'));
      });
      stalled!.write(`GET /api/v1/events?queue=default/firehose HTTP/1.1\r\nHost: localhost:${port}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    expect(head).toMatch(/^HTTP\/1\.1 200/);

    // A busy queue: 4000 events over ~20 s (bursts of 50, 250 ms apart).
    for (let i = 0; i < PROGRESS_EVENTS; i++) {
      await progress(i);
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 250));
    }

    // Dropped once DROVER_SSE_MAX_LAG_MS behind: its slot is free again (the token may hold one stream)…
    await expect.poll(() => probeStatus(base, token), { timeout: 60_000 }).toBe(200);
    // …and what it did not read was released: the console is back near its baseline.
    await expect
      .poll(() => treeRss(console_!.child.pid!) - baseline, { timeout: 60_000, message: `RSS growth over the ${Math.round(baseline / MB)} MB baseline` })
      .toBeLessThan(RSS_TOLERANCE);

    // Reading now gets what the kernel buffers held, then the end of a connection the server closed.
    let bytes = 0;
    stalled.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stalled.resume();
    await expect.poll(() => closedBy, { timeout: 30_000 }).not.toBeNull();
    expect(bytes).toBeLessThan((PROGRESS_EVENTS * PROGRESS_BYTES) / 4);
    // The console says why it dropped the stream, and Next.js ended the response quietly.
    expect(console_.output()).toMatch(/"event":"sse\.dropped".*"reason":"data unread for more than 2000 ms"/);
    expect(console_.output()).not.toMatch(/failed to pipe response|request GET \/api\/v1\/events failed/);
    test.info().annotations.push({
      type: 'measured',
      description: `RSS baseline ${Math.round(baseline / MB)} MB, ${Math.round((treeRss(console_.child.pid!) - baseline) / MB)} MB over it after the drop; ${Math.round(bytes / MB)} MB read after resuming (kernel buffers)`,
    });
  } finally {
    stalled?.destroy();
    await queue.close().catch(() => {});
    await console_?.stop();
    await redis.stop();
  }
});

// The bundled processors run by the real runtime against real peers: an HTTP server, an SMTP server,
// generated images and the queue's own jobs. Failure classification, attempt history, logs, names.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import sharp from 'sharp';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { RedisConnectionRecords } from '@/lib/store/redis/connection-records';
import { settledAttempts, startHttpPeer, waitFor, waitForFinished, withEgressAllow, type PeerReply } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { enqueue } from '@/workers/enqueue';
import { isDroverWorkerName, parseDroverWorkerName } from '@/lib/workers/worker-name';
import { jobKinds } from '@/lib/job-kinds/registry';
import { createWebhookProcessor } from '@/workers/processors/webhook';
import { egressRequest } from '@/lib/egress/egress-request';
import { egressPolicy, EgressRefusedError } from '@/lib/egress/policy';
import { KEYS } from '@/lib/keys';

const SECRET = 'test-webhook-secret';
const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };
const fast = { attempts: 3, backoff: { type: 'fixed' as const, delay: 200 } };

let redis: TestRedis;
let client: Redis;
let dataDir: string;
let runtime: Runtime;
let offline: Runtime;
let closeProcessors: () => void = () => {};
const logs: Array<Record<string, unknown>> = [];
const mails: Array<{ from: string; to: string[]; raw: string }> = [];
let smtp: SMTPServer;
const queues = new Map<string, Queue>();

function queue(name: string, prefix = 'bull'): Queue {
  const key = `${prefix}:${name}`;
  if (!queues.has(key)) queues.set(key, new Queue(name, { connection: client, prefix }));
  return queues.get(key)!;
}
const conn = (prefix = 'bull') => ({ redis: client, prefix, store: 'redis' as const, records: new RedisConnectionRecords(client, prefix) });

let peerReply: (index: number, path: string) => PeerReply = () => ({ status: 200 });
let peer: Awaited<ReturnType<typeof startHttpPeer>>;

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-workers-data-'));
  process.env.DROVER_DATA_DIR = dataDir;
  // The receivers listen on 127.0.0.1, which the egress policy refuses by default. Set before the
  // runtime starts, so the image sandbox's children inherit it too.
  process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
  peer = await startHttpPeer((req) => peerReply(peer.requests.filter((r) => r.url === req.url).length - 1, req.url));

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (to.some((a) => a.startsWith('bounce'))) {
          const err = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
          return callback(err);
        }
        mails.push({ from, to, raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as import('node:net').AddressInfo).port;

  const destination = { write: (line: string) => void logs.push(JSON.parse(line)) };
  const logger = createWorkerLogger({ worker: 'test' }, destination, 'debug');
  const bundled = bundledProcessors({ webhookSecret: SECRET, smtpUrl: `smtp://127.0.0.1:${smtpPort}`, mailFrom: 'drover@example.com' });
  const offlineBundled = bundledProcessors({ webhookSecret: SECRET, mailFrom: 'drover@example.com' });
  closeProcessors = () => {
    bundled.close();
    offlineBundled.close();
  };
  const connection = { name: 'default', url: redis.url, prefix: 'bull' };
  runtime = await startRuntime({ connection, kinds: selectKinds([], bundled.processors), settings, logger });
  offline = await startRuntime({ connection: { ...connection, prefix: 'offline' }, kinds: selectKinds(['email'], offlineBundled.processors), settings, logger, schedulers: false });
});

afterAll(async () => {
  await runtime?.close();
  await offline?.close();
  closeProcessors();
  await Promise.allSettled([...queues.values()].map((q) => q.close()));
  await peer?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await redis?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  delete process.env.DROVER_EGRESS_ALLOW;
});

const hostOf = (url: string) => new URL(url).host;

/** A server that answers every request with a PNG (for image downloads); `hits` counts requests. */
async function startImageServer(host: string) {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 120, b: 200 } } }).png().toBuffer();
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(png.length) });
    res.end(png);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('webhook', () => {
  it('POSTs the payload signed with HMAC-SHA256 and a delivery id, and returns status and latency', async () => {
    peerReply = () => ({ status: 204 });
    const job = await enqueue('webhook', { url: `${peer.url}/ok`, event: 'order.paid', payload: { order: 42, total: 9.5 } }, {}, conn());
    const done = await waitForFinished(queue('webhook'), job.id!);
    expect(await done.getState()).toBe('completed');
    const request = peer.requests.find((r) => r.url === '/ok')!;
    expect(request.method).toBe('POST');
    expect(JSON.parse(request.body)).toEqual({ order: 42, total: 9.5 });
    // The receiver can verify the signature with the shared secret.
    const expected = `sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`;
    expect(request.headers['x-drover-signature']).toBe(expected);
    expect(request.headers['x-drover-event']).toBe('order.paid');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-drover-delivery']).toMatch(new RegExp(`^${job.id}-`));
    expect(done.returnvalue).toMatchObject({ status: 204, deliveryId: request.headers['x-drover-delivery'], host: peer.url.replace('http://', '') });
    expect(done.returnvalue.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('retries a 500 with backoff and completes once the peer recovers; every attempt is in the history', async () => {
    peerReply = (index) => (index < 2 ? { status: 500, body: 'database down' } : { status: 200 });
    const job = await enqueue('webhook', { url: `${peer.url}/flaky`, payload: { n: 1 } }, fast, conn());
    const done = await waitForFinished(queue('webhook'), job.id!);
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(3);
    const hits = peer.requests.filter((r) => r.url === '/flaky');
    expect(hits).toHaveLength(3);
    // Fixed backoff of 200 ms between attempts.
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(180);
    // The same delivery id on every attempt, so the receiver can de-duplicate.
    expect(new Set(hits.map((h) => h.headers['x-drover-delivery'])).size).toBe(1);
    const attempts = await settledAttempts(client, 'bull', 'webhook', job.id!, 3);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [3, 'completed'],
      [2, 'failed'],
      [1, 'failed'],
    ]);
    expect(attempts[1].error).toContain('answered HTTP 500: will retry: database down');
    expect(attempts.every((a) => isDroverWorkerName(a.worker) && a.endedAt! >= a.startedAt)).toBe(true);
    // Job logs written through job.log.
    const { logs: jobLogs } = await queue('webhook').getJobLogs(job.id!);
    expect(jobLogs.some((l) => l.includes('attempt 1 failed: ') && l.includes('(will retry)'))).toBe(true);
  });

  it('fails a 400 permanently on the first attempt', async () => {
    peerReply = () => ({ status: 400, body: 'unknown field "n"' });
    const job = await enqueue('webhook', { url: `${peer.url}/bad`, payload: { n: 1 } }, fast, conn());
    const done = await waitForFinished(queue('webhook'), job.id!);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toMatch(/answered HTTP 400 \(the request was refused, retrying would not help\): unknown field "n"/);
    expect(peer.requests.filter((r) => r.url === '/bad')).toHaveLength(1);
  });

  it('retries a 408 like a server error', async () => {
    peerReply = (index) => (index === 0 ? { status: 408 } : { status: 200 });
    const job = await enqueue('webhook', { url: `${peer.url}/timeout`, payload: {} }, fast, conn());
    const done = await waitForFinished(queue('webhook'), job.id!);
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(2);
  });

  it('fails data that breaks the schema permanently, with the field named', async () => {
    const job = await queue('webhook').add('deliver', { url: 'ftp://example.com/x', payload: 'not an object' }, fast);
    const done = await waitForFinished(queue('webhook'), job.id!);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toBe('Invalid job data for "webhook": url: must be an http:// or https:// URL; payload: Invalid input: expected record, received string');
  });

  it('enqueue refuses invalid data before it reaches Redis', async () => {
    await expect(enqueue('webhook', { url: 'nope', payload: {} } as never, {}, conn())).rejects.toMatchObject({
      code: 'invalid',
      fieldErrors: { url: ['must be an http:// or https:// URL'] },
    });
    // Bounded: the URL's host:port names a receiver's pause key.
    await expect(enqueue('webhook', { url: `https://example.com/${'x'.repeat(2100)}`, payload: {} }, {}, conn())).rejects.toMatchObject({
      fieldErrors: { url: ['must be at most 2048 characters'] },
    });
  });
});

describe('webhook: egress policy, receiver pauses, headers, answers', () => {

  it('without an allow rule, a webhook to 127.0.0.1 fails permanently with the egress message, and the receiver sees nothing', async () => {
    const done = await withEgressAllow(undefined, async () => {
      const job = await enqueue('webhook', { url: `${peer.url}/refused-loopback?token=secret`, payload: {} }, fast, conn());
      return waitForFinished(queue('webhook'), job.id!);
    });
    expect([await done.getState(), done.attemptsMade]).toEqual(['failed', 1]);
    expect(done.failedReason).toBe(
      `${hostOf(peer.url)} is refused by the egress policy: 127.0.0.1 is a loopback address. To allow it, add it to DROVER_EGRESS_ALLOW (comma-separated CIDR blocks and host names, e.g. DROVER_EGRESS_ALLOW=127.0.0.1/32)`,
    );
    expect(peer.requests.filter((r) => r.url.startsWith('/refused-loopback'))).toHaveLength(0);
    // Permanent, not retried: one failed attempt in the history.
    const attempts = await settledAttempts(client, 'bull', 'webhook', done.id!);
    expect(attempts.map((a) => a.outcome)).toEqual(['failed']);
  });

  it('a host name resolving to loopback is refused when the socket connects', async () => {
    const port = new URL(peer.url).port;
    const done = await withEgressAllow(undefined, async () => {
      const job = await enqueue('webhook', { url: `http://localhost:${port}/refused-by-name`, payload: {} }, fast, conn());
      return waitForFinished(queue('webhook'), job.id!);
    });
    expect([await done.getState(), done.attemptsMade]).toEqual(['failed', 1]);
    expect(done.failedReason).toBe(
      `localhost:${port} is refused by the egress policy: localhost resolves to a loopback address. To allow it, add it to DROVER_EGRESS_ALLOW (comma-separated CIDR blocks and host names, e.g. DROVER_EGRESS_ALLOW=localhost)`,
    );
    expect(peer.requests.filter((r) => r.url === '/refused-by-name')).toHaveLength(0);
  });

  it('the address the policy checks is the one the socket connects to (no second lookup to rebind)', async () => {
    const port = new URL(peer.url).port;
    // Whatever this name resolves to is what the connection uses: here, the loopback receiver.
    const resolveHost = async () => [{ address: '127.0.0.1', family: 4 }];
    const refused = await egressRequest(`http://rebind.drover.test:${port}/rebound`, { method: 'POST', body: '{}', resolveHost, policy: egressPolicy({ DROVER_EGRESS_ALLOW: '' }) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EgressRefusedError);
    expect((refused as Error).message).toMatch(/^rebind\.drover\.test:\d+ is refused by the egress policy: rebind\.drover\.test resolves to a loopback address/);
    expect(peer.requests.filter((r) => r.url === '/rebound')).toHaveLength(0);
    peerReply = () => ({ status: 200 });
    const allowed = await egressRequest(`http://rebind.drover.test:${port}/rebound`, { method: 'POST', body: '{}', resolveHost, policy: egressPolicy({ DROVER_EGRESS_ALLOW: '127.0.0.1' }) });
    expect(allowed.status).toBe(200);
    allowed.discard();
    expect(peer.requests.filter((r) => r.url === '/rebound').map((r) => r.headers.host)).toEqual([`rebind.drover.test:${port}`]);
  });

  it('DROVER_EGRESS_ALLOW opens an address or a host name; the Redis Drover runs on stays refused', async () => {
    peerReply = () => ({ status: 200 });
    const port = new URL(peer.url).port;
    const byName = await withEgressAllow('localhost', async () => {
      const job = await enqueue('webhook', { url: `http://localhost:${port}/allowed-by-name`, payload: {} }, fast, conn());
      return waitForFinished(queue('webhook'), job.id!);
    });
    expect(await byName.getState()).toBe('completed');
    expect(peer.requests.filter((r) => r.url === '/allowed-by-name')).toHaveLength(1);
    // 127.0.0.1 is allowed in this file, but not the port its Redis listens on.
    const job = await enqueue('webhook', { url: `http://127.0.0.1:${redis.port}/`, payload: {} }, fast, conn());
    const toRedis = await waitForFinished(queue('webhook'), job.id!);
    expect([await toRedis.getState(), toRedis.attemptsMade]).toEqual(['failed', 1]);
    expect(toRedis.failedReason).toBe(`127.0.0.1:${redis.port} is refused by the egress policy: it is a Redis endpoint Drover itself uses, and HTTP calls to Drover's own data stores are never allowed`);
  });

  it('a 429 with Retry-After pauses that receiver only: other receivers keep flowing, its jobs wait without using an attempt', async () => {
    const other = await startHttpPeer(() => ({ status: 200 }));
    try {
      peerReply = (index, p) => (p === '/limited' && index === 0 ? { status: 429, headers: { 'Retry-After': '3' }, body: 'slow down' } : { status: 200 });
      const limited = await enqueue('webhook', { url: `${peer.url}/limited`, payload: {} }, fast, conn());
      const first = await waitFor(() => peer.requests.find((r) => r.url === '/limited'), 'the first request');
      // Delayed (not waiting, not failed), no attempt used; the pause is the receiver's, not the queue's.
      await waitFor(async () => (await queue('webhook').getJobState(limited.id!)) === 'delayed', 'the job delayed', 5_000, 10);
      const delayed = await queue('webhook').getJob(limited.id!);
      expect(delayed!.attemptsMade).toBe(0);
      expect(delayed!.failedReason).toBeFalsy();
      expect(await client.pttl(KEYS.peerPause('bull', 'webhook', hostOf(peer.url)))).toBeGreaterThan(0);
      // Only the limiter's own 50 jobs/s window, never a pause of the whole queue.
      expect(await queue('webhook').getRateLimitTtl(50)).toBeLessThanOrEqual(0);

      // Meanwhile a job for the same receiver waits without sending; a job for another receiver goes through.
      const same = await enqueue('webhook', { url: `${peer.url}/limited-too`, payload: {} }, fast, conn());
      const elsewhere = await enqueue('webhook', { url: `${other.url}/elsewhere`, payload: {} }, fast, conn());
      const through = await waitForFinished(queue('webhook'), elsewhere.id!);
      expect(await through.getState()).toBe('completed');
      expect(through.finishedOn! - first.at).toBeLessThan(3_000);
      await waitFor(async () => (await queue('webhook').getJobState(same.id!)) === 'delayed', 'the second job delayed', 5_000, 10);
      expect(peer.requests.filter((r) => r.url === '/limited-too')).toHaveLength(0);

      // After the pause both are delivered, neither having used an attempt on the pause.
      const [a, b] = await Promise.all([waitForFinished(queue('webhook'), limited.id!), waitForFinished(queue('webhook'), same.id!)]);
      expect([await a.getState(), await b.getState()]).toEqual(['completed', 'completed']);
      expect([a.attemptsMade, b.attemptsMade]).toEqual([1, 1]);
      const hits = peer.requests.filter((r) => r.url === '/limited');
      expect(hits).toHaveLength(2);
      expect(hits[1].at - first.at).toBeGreaterThanOrEqual(2_900);
      expect(peer.requests.find((r) => r.url === '/limited-too')!.at - first.at).toBeGreaterThanOrEqual(2_900);
      const attempts = await settledAttempts(client, 'bull', 'webhook', limited.id!, 2);
      expect(attempts.map((x) => x.outcome)).toEqual(['completed', 'failed']);
      expect(attempts[1].error).toBe(`${hostOf(peer.url)} answered HTTP 429: rate limited, retry after 3 s: slow down (job delayed 3 s, not counted as a failed attempt)`);
      const waited = await settledAttempts(client, 'bull', 'webhook', same.id!, 2);
      expect(waited[waited.length - 1].error).toMatch(/asked to slow down \(429 \/ Retry-After\): not sent, paused for \d s more \(job delayed/);
    } finally {
      await other.close();
    }
  });

  it('a receiver that keeps answering 429 delays a job at most 20 times; then the 429 counts as a failed attempt', async () => {
    peerReply = (_index, p) => (p === '/always-limited' ? { status: 429, headers: { 'Retry-After': '0' } } : { status: 200 });
    const job = await enqueue('webhook', { url: `${peer.url}/always-limited`, payload: {} }, { attempts: 1 }, conn());
    const done = await waitForFinished(queue('webhook'), job.id!, 30_000);
    expect([await done.getState(), done.attemptsMade]).toEqual(['failed', 1]);
    expect(done.failedReason).toBe(`${hostOf(peer.url)} answered HTTP 429: rate limited, retry after 0 s`);
    // 20 delays, then the run that fails.
    expect(peer.requests.filter((r) => r.url === '/always-limited')).toHaveLength(21);
  });

  it("job headers cannot override Drover's own, in any letter case, nor set connection headers", async () => {
    peerReply = () => ({ status: 200 });
    const forged = { 'content-type': 'text/plain', 'x-drover-signature': 'sha256=forged', 'X-DROVER-EVENT': 'x', HOST: 'evil.example', 'Content-Length': '1', 'transfer-encoding': 'chunked' };
    // Refused when the job is added, each header named.
    const refused = await enqueue('webhook', { url: `${peer.url}/forged`, payload: { n: 1 }, headers: forged }, fast, conn()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'invalid' });
    expect(Object.keys((refused as { fieldErrors: Record<string, string[]> }).fieldErrors).sort()).toEqual(
      ['headers.Content-Length', 'headers.HOST', 'headers.X-DROVER-EVENT', 'headers.content-type', 'headers.transfer-encoding', 'headers.x-drover-signature'].sort(),
    );
    await expect(enqueue('webhook', { url: `${peer.url}/dup`, payload: {}, headers: { 'X-Trace': 'a', 'x-trace': 'b' } }, fast, conn())).rejects.toMatchObject({
      fieldErrors: { 'headers.x-trace': ['repeats X-Trace (header names are case-insensitive)'] },
    });
    // Added behind enqueue's back: the runtime refuses the data before anything is sent.
    const raw = await queue('webhook').add('deliver', { url: `${peer.url}/forged`, payload: { n: 1 }, headers: forged }, fast);
    const failed = await waitForFinished(queue('webhook'), raw.id!);
    expect([await failed.getState(), failed.attemptsMade]).toEqual(['failed', 1]);
    expect(failed.failedReason).toMatch(/^Invalid job data for "webhook": headers\.content-type: is set by Drover and cannot be overridden; /);
    expect(peer.requests.filter((r) => r.url === '/forged')).toHaveLength(0);

    // The processor holds on its own, for data that skipped the schema.
    const process = createWebhookProcessor({ secret: SECRET });
    const data = { url: `${peer.url}/forged-direct`, payload: { n: 1 }, headers: { ...forged, 'X-Trace': 'kept' }, timeoutMs: 5_000 };
    const job = await queue('webhook-direct').add('deliver', data);
    await process({ job, data, signal: new AbortController().signal, logger: createWorkerLogger({}, { write: () => {} }), connection: conn(), worker: 'test' });
    const [request] = peer.requests.filter((r) => r.url === '/forged-direct');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-drover-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`);
    expect(request.headers['x-drover-event']).toBeUndefined();
    expect(request.headers.host).toBe(hostOf(peer.url));
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength(request.body)));
    expect(request.headers['transfer-encoding']).toBeUndefined();
    expect(request.headers['x-trace']).toBe('kept');
    expect(JSON.parse(request.body)).toEqual({ n: 1 });
  });

  it("a receiver's answer comes back as its status and a short, sanitized excerpt", async () => {
    const noisy = 'line1\r\nX-Injected: yes\u0000\u001b[31mred\u202e' + 'A'.repeat(10_000);
    peerReply = (_index, p) => (p === '/noisy' ? { status: 503, body: noisy } : { status: 200 });
    const job = await enqueue('webhook', { url: `${peer.url}/noisy`, payload: {} }, { attempts: 1 }, conn());
    const done = await waitForFinished(queue('webhook'), job.id!);
    expect(await done.getState()).toBe('failed');
    const prefix = `${hostOf(peer.url)} answered HTTP 503: will retry: `;
    expect(done.failedReason.startsWith(`${prefix}line1 X-Injected: yes [31mred AAAA`)).toBe(true);
    const excerpt = done.failedReason.slice(prefix.length);
    expect(Array.from(excerpt).length).toBeLessThanOrEqual(200);
    expect(excerpt.endsWith('…')).toBe(true);
    expect(done.failedReason).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });
});

describe('email', () => {
  it('renders the templates and sends them to the SMTP server', async () => {
    const job = await enqueue(
      'email',
      { to: 'alice@example.com', subject: 'Invoice {{number}} is ready', text: 'Hello {{name}}, your invoice {{number}} is attached.', html: '<p>Hello {{name}}</p>', variables: { name: 'Alice <3', number: 1042 } },
      {},
      conn(),
    );
    const done = await waitForFinished(queue('email'), job.id!);
    expect(await done.getState()).toBe('completed');
    expect(done.returnvalue).toMatchObject({ transport: 'smtp', accepted: ['alice@example.com'], rejected: [] });
    const mail = mails.find((m) => m.raw.includes('Invoice 1042'))!;
    expect(mail.from).toBe('drover@example.com');
    expect(mail.to).toEqual(['alice@example.com']);
    expect(mail.raw).toContain('Subject: Invoice 1042 is ready');
    expect(mail.raw).toContain('Hello Alice <3, your invoice 1042 is attached.');
    expect(mail.raw).toContain('<p>Hello Alice &lt;3</p>');
  });

  it('fails permanently on a 5xx answer and on a missing template variable', async () => {
    const bounced = await enqueue('email', { to: 'bounce@example.com', subject: 'x', text: 'y' }, fast, conn());
    const missing = await enqueue('email', { to: 'bob@example.com', subject: 'Hi {{name}}', text: 'y' }, fast, conn());
    const a = await waitForFinished(queue('email'), bounced.id!);
    const b = await waitForFinished(queue('email'), missing.id!);
    expect([await a.getState(), a.attemptsMade]).toEqual(['failed', 1]);
    expect(a.failedReason).toMatch(/SMTP server refused the message with 550/);
    expect([await b.getState(), b.attemptsMade]).toEqual(['failed', 1]);
    expect(b.failedReason).toBe('Template variable {{name}} has no value (variables: none)');
  });

  it('writes an .eml file into the outbox when no SMTP server is configured', async () => {
    const job = await enqueue('email', { to: 'carol@example.com', subject: 'Offline {{x}}', text: 'Kept in the outbox' , variables: { x: 'mode' } }, {}, conn('offline'));
    const done = await waitForFinished(queue('email', 'offline'), job.id!);
    expect(done.returnvalue.transport).toBe('outbox');
    const file: string = done.returnvalue.file;
    expect(path.dirname(file)).toBe(path.join(dataDir, 'outbox'));
    const eml = fs.readFileSync(file, 'utf8');
    expect(eml).toContain('Subject: Offline mode');
    expect(eml).toContain('To: carol@example.com');
    expect(eml).toContain('Kept in the outbox');
  });
});

describe('image (sandboxed)', () => {
  it('resizes and converts a generated PNG in a separate process, reporting progress per step', async () => {
    fs.mkdirSync(path.join(dataDir, 'uploads'), { recursive: true });
    await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toFile(path.join(dataDir, 'uploads', 'photo.png'));
    const progress: unknown[] = [];
    const onProgress = (job: { id?: string }, value: unknown) => job.id === id && progress.push(value);
    const worker = runtime.workers.get('image')!;
    worker.on('progress', onProgress);
    const job = await enqueue('image', { source: 'uploads/photo.png', width: 160, format: 'webp' }, {}, conn());
    const id = job.id!;
    const done = await waitForFinished(queue('image'), id, 30_000);
    worker.off('progress', onProgress);
    expect(await done.getState()).toBe('completed');
    const result = done.returnvalue;
    expect(result).toMatchObject({ width: 160, height: 120, format: 'webp', source: { width: 640, height: 480, format: 'png' } });
    const meta = await sharp(result.file).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([160, 120, 'webp']);
    expect(path.dirname(result.file)).toBe(path.join(dataDir, 'images'));
    // Sandboxed: another process whose parent is this one (the runtime).
    expect(result.pid).not.toBe(process.pid);
    expect(result.parentPid).toBe(process.pid);
    // Progress reached Redis through the sandbox, step by step.
    expect(progress).toEqual([5, 25, 50, 80, 100]);
    expect(done.progress).toBe(100);
    const { logs: jobLogs } = await queue('image').getJobLogs(id);
    expect(jobLogs[0]).toBe('loading uploads/photo.png');
    expect(jobLogs.at(-1)).toContain('written to');
  });

  it('downloads an http source the egress policy allows', async () => {
    const server = await startImageServer('127.0.0.1');
    try {
      const job = await enqueue('image', { source: `${server.url}/remote.png`, width: 32, format: 'png' }, fast, conn());
      const done = await waitForFinished(queue('image'), job.id!, 30_000);
      expect(await done.getState()).toBe('completed');
      expect(done.returnvalue).toMatchObject({ width: 32, height: 24, format: 'png', source: { width: 64, height: 48, format: 'png' } });
      expect(server.hits).toEqual(['/remote.png']);
    } finally {
      await server.close();
    }
  });

  it("an image host's 429 delays the job for its Retry-After without using an attempt (a rate limit, which circuit breakers do not count)", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png().toBuffer();
    const hits: number[] = [];
    const server = http.createServer((req, res) => {
      hits.push(Date.now());
      if (hits.length === 1) res.writeHead(429, { 'Retry-After': '1' }).end('slow down');
      else res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(png.length) }).end(png);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const job = await enqueue('image', { source: `http://127.0.0.1:${(server.address() as AddressInfo).port}/busy.png`, width: 4, format: 'png' }, fast, conn());
      const done = await waitForFinished(queue('image'), job.id!, 30_000);
      // Crossing the sandbox, it is still a rate limit: delayed for its Retry-After, not a failed attempt
      // (a plain error was one: 2 attempts made, retried after the 200 ms backoff). The completed run is the one made.
      expect([await done.getState(), done.attemptsMade, hits.length]).toEqual(['completed', 1, 2]);
      expect(hits[1] - hits[0]).toBeGreaterThanOrEqual(900);
      expect((await queue('image').getJobLogs(job.id!)).logs).toContain('attempt 1: 127.0.0.1:' + (server.address() as AddressInfo).port + ' answered HTTP 429 for the image: rate limited, retry after 1 s (job delayed 1 s, not counted as a failed attempt)');
      expect(logs.some((l) => l.event === 'job.rate_limited' && l.jobId === job.id && l.queue === 'image')).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('fails permanently for an http source the egress policy refuses; the server sees no request', async () => {
    // 127.0.0.2 is loopback too, but this file allows only 127.0.0.1.
    const server = await startImageServer('127.0.0.2');
    try {
      const job = await enqueue('image', { source: `${server.url}/inside.png`, width: 10 }, fast, conn());
      const done = await waitForFinished(queue('image'), job.id!, 30_000);
      expect([await done.getState(), done.attemptsMade]).toEqual(['failed', 1]);
      expect(done.failedReason).toMatch(new RegExp(`^${hostOf(server.url).replace(/\./g, '\\.')} is refused by the egress policy: 127\\.0\\.0\\.2 is a loopback address\\. To allow it, add it to DROVER_EGRESS_ALLOW`));
      expect(server.hits).toEqual([]);
      // The sandbox knows the Redis of its parent too: its port stays refused although 127.0.0.1 is allowed.
      const toRedis = await enqueue('image', { source: `http://127.0.0.1:${redis.port}/x.png`, width: 10 }, fast, conn());
      const refused = await waitForFinished(queue('image'), toRedis.id!, 30_000);
      expect([await refused.getState(), refused.attemptsMade]).toEqual(['failed', 1]);
      expect(refused.failedReason).toMatch(/is refused by the egress policy: it is a Redis endpoint Drover itself uses/);
    } finally {
      await server.close();
    }
  });

  it('fails permanently for a file outside the allowed directories', async () => {
    const job = await enqueue('image', { source: '/etc/hostname', width: 10 }, fast, conn());
    const done = await waitForFinished(queue('image'), job.id!, 30_000);
    expect([await done.getState(), done.attemptsMade]).toEqual(['failed', 1]);
    expect(done.failedReason).toMatch(/^source \/etc\/hostname is outside the allowed directories/);
  });
});

describe('report', () => {
  it("writes a CSV of the queue's finished jobs over a period", async () => {
    peerReply = () => ({ status: 200 });
    const before = Date.now();
    const ok = await enqueue('webhook', { url: `${peer.url}/report-ok`, payload: {} }, {}, conn());
    // enqueue validates, so the failing job is added through BullMQ directly.
    const invalid = await queue('webhook').add('deliver', { url: 'nope', payload: {} }, fast);
    await waitForFinished(queue('webhook'), ok.id!);
    await waitForFinished(queue('webhook'), invalid.id!);
    const job = await enqueue('report', { queue: 'webhook', from: new Date(before).toISOString(), to: new Date(Date.now() + 1000).toISOString() }, {}, conn());
    const done = await waitForFinished(queue('report'), job.id!);
    expect(await done.getState()).toBe('completed');
    expect(done.returnvalue).toMatchObject({ queue: 'webhook', rows: 2, truncated: false, states: ['completed', 'failed'] });
    const csv = fs.readFileSync(done.returnvalue.file, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('id,name,state,attempts,created_at,processed_at,finished_at,duration_ms,worker,failed_reason');
    const rows = csv.slice(1).map((line) => line.split(','));
    const okRow = rows.find((r) => r[0] === ok.id)!;
    expect(okRow.slice(0, 4)).toEqual([ok.id, 'deliver', 'completed', '1']);
    expect(okRow[8]).toBe(runtime.workerName);
    const failedLine = csv.find((line) => line.startsWith(`${invalid.id},`))!;
    expect(failedLine).toContain(',failed,1,');
    // A failure reason with commas and quotes is quoted.
    expect(failedLine).toMatch(/,"Invalid job data for ""webhook"": url: must be an http:\/\/ or https:\/\/ URL"$/);
    expect(path.dirname(done.returnvalue.file)).toBe(path.join(dataDir, 'reports'));
    expect(done.progress).toBe(100);
    const { logs: jobLogs } = await queue('report').getJobLogs(job.id!);
    expect(jobLogs.at(-1)).toMatch(/^2 rows written to /);
  });
});

describe('runtime', () => {
  it('logs JSON lines with queue, job id and attempt (successes at debug level)', () => {
    const completed = logs.find((l) => l.event === 'job.completed' && l.queue === 'webhook');
    expect(completed).toMatchObject({ level: 20, service: 'drover-workers', queue: 'webhook', attempt: expect.any(Number), jobId: expect.any(String), durationMs: expect.any(Number) });
    const failed = logs.find((l) => l.event === 'job.failed' && l.permanent === true);
    expect(failed).toMatchObject({ level: 50, queue: expect.any(String), jobId: expect.any(String), attempt: 1, willRetry: false });
  });

  it('names its workers drover@host:pid in getWorkers()', async () => {
    for (const kind of jobKinds) {
      const workers = await queue(kind.queue).getWorkers();
      // BullMQ reports the queue as `name` and the client name "<prefix>:<base64(queue)>:w:<worker>" as `rawname`.
      const names = workers.map((w) => String(w.rawname).split(':w:')[1]);
      expect(names).toContain(runtime.workerName);
    }
    expect(parseDroverWorkerName(runtime.workerName)).toEqual({ host: expect.any(String), pid: process.pid });
  });

  it('upserts the schedulers declared in code', async () => {
    const schedulers = await queue('report').getJobSchedulers(0, 10);
    const hourly = schedulers.find((s) => s.key === 'hourly-webhook-report');
    expect(hourly).toMatchObject({ pattern: '5 * * * *', tz: 'UTC', name: 'queue-report' });
    expect(hourly!.template?.data).toMatchObject({ queue: 'webhook', lastMinutes: 60 });
    expect(schedulers.find((s) => s.key === 'email-report-every-6h')).toMatchObject({ every: 6 * 60 * 60 * 1000 });
  });

  it('records per-minute metrics for the console charts', async () => {
    const metrics = await queue('webhook').getMetrics('completed', 0, 10);
    expect(metrics.meta.count).toBeGreaterThan(0);
  });
});

// The bundled processors run by the real runtime against real peers: an HTTP server, an SMTP server,
// generated images and the queue's own jobs. Failure classification, attempt history, logs, names.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import sharp from 'sharp';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { settledAttempts, startHttpPeer, waitFor, waitForFinished, type PeerReply } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { enqueue } from '@/workers/enqueue';
import { isDroverWorkerName, parseDroverWorkerName } from '@/lib/workers/worker-name';
import { jobKinds } from '@/workers/definitions';

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
const conn = (prefix = 'bull') => ({ redis: client, prefix });

let peerReply: (index: number, path: string) => PeerReply = () => ({ status: 200 });
let peer: Awaited<ReturnType<typeof startHttpPeer>>;

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-workers-data-'));
  process.env.DROVER_DATA_DIR = dataDir;
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
});

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

  it('honours a 429 Retry-After through the rate limiter: the job waits, it does not fail', async () => {
    peerReply = (index) => (index === 0 ? { status: 429, headers: { 'Retry-After': '1' }, body: 'slow down' } : { status: 200 });
    const job = await enqueue('webhook', { url: `${peer.url}/limited`, payload: {} }, fast, conn());
    await waitFor(() => peer.requests.some((r) => r.url === '/limited'), 'the first request');
    // While the queue is paused by the limiter the job is back in waiting, no attempt used up.
    await waitFor(async () => (await queue('webhook').getJobState(job.id!)) === 'waiting', 'the job back in waiting', 2_000, 5);
    expect(await queue('webhook').getRateLimitTtl()).toBeGreaterThan(0);
    const waiting = await queue('webhook').getJob(job.id!);
    expect(waiting!.attemptsMade).toBe(0);
    expect(waiting!.failedReason).toBeFalsy();
    const done = await waitForFinished(queue('webhook'), job.id!);
    expect(await done.getState()).toBe('completed');
    const hits = peer.requests.filter((r) => r.url === '/limited');
    expect(hits).toHaveLength(2);
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(900);
    const attempts = await settledAttempts(client, 'bull', 'webhook', job.id!, 2);
    expect(attempts.map((a) => a.outcome)).toEqual(['completed', 'failed']);
    expect(attempts[1].error).toMatch(/HTTP 429: rate limited, retry after 1 s.*not counted as a failed attempt/);
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

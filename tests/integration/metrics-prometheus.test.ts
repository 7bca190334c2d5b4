// GET /api/metrics: bearer auth, and Prometheus text that a strict exposition-format parser accepts,
// with the expected series for queues built through BullMQ and for a connection that is down.
import fs from 'node:fs';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsTime, Queue, Worker } from 'bullmq';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs, configureFromFile } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections } from '@/lib/redis/connections';
import { issueApiToken } from '@/lib/users/issue-api-token';
import * as metricsRoute from '@/app/api/metrics/route';
import { apiTokensStore } from '@/lib/store/console/api-tokens';
import { apiTokenRecordSchema, tokenNameKey, type ApiTokenRecord } from '@/lib/auth/api-token-record';

type Sample = { name: string; labels: Record<string, string>; value: number };
type Exposition = { help: Map<string, string>; types: Map<string, string>; samples: Sample[] };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A strict parser of the Prometheus text format 0.0.4 (gauges and counters): every line must be a
 * HELP, a TYPE or a sample of a declared metric; label values use only the three escapes; no series
 * appears twice. Throws on anything else.
 */
function parseExposition(text: string): Exposition {
  const out: Exposition = { help: new Map(), types: new Map(), samples: [] };
  const seen = new Set<string>();
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      const where = `line ${i + 1}: ${line}`;
      if (line === '') return;
      const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (meta) {
        const [, kind, name, rest] = meta;
        if (!NAME.test(name)) throw new Error(`bad metric name, ${where}`);
        if (kind === 'HELP') {
          if (out.help.has(name)) throw new Error(`second HELP, ${where}`);
          out.help.set(name, rest);
        } else {
          if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type, ${where}`);
          if (out.types.has(name)) throw new Error(`second TYPE, ${where}`);
          if (out.samples.some((s) => s.name === name)) throw new Error(`TYPE after samples, ${where}`);
          out.types.set(name, rest);
        }
        return;
      }
      if (line.startsWith('#')) throw new Error(`unexpected comment, ${where}`);
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
      if (!m) throw new Error(`not a sample, ${where}`);
      const [, name, , body, rawValue] = m;
      if (!out.types.has(name)) throw new Error(`sample of an undeclared metric, ${where}`);
      const labels: Record<string, string> = {};
      let rest = body ?? '';
      while (rest.length) {
        const lm = /^([^=]+)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
        if (!lm || !LABEL.test(lm[1])) throw new Error(`bad labels, ${where}`);
        if (lm[1] in labels) throw new Error(`duplicate label, ${where}`);
        labels[lm[1]] = lm[2].replace(/\\(["\\n])/g, (_s, c: string) => (c === 'n' ? '\n' : c));
        rest = rest.slice(lm[0].length);
      }
      const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : rawValue === 'NaN' ? NaN : Number(rawValue);
      if (rawValue !== 'NaN' && Number.isNaN(value)) throw new Error(`bad value, ${where}`);
      const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(id)) throw new Error(`duplicate series, ${where}`);
      seen.add(id);
      out.samples.push({ name, labels, value });
    });
  return out;
}

let redis: TestRedis;
const queues: Queue[] = [];
let worker: Worker | undefined;
let viewerToken = '';
const METRICS_TOKEN = 'scrape-secret-7f3a';

function scrape(authorization?: string) {
  return metricsRoute.GET(new Request('http://console.test/api/metrics', { headers: authorization ? { authorization } : {} }));
}

function value(e: Exposition, name: string, labels: Record<string, string>): number | undefined {
  return e.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length)?.value;
}

beforeAll(async () => {
  redis = await startTestRedis();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-prom-'));
  const file = path.join(dir, 'drover.config.json');
  // "offline" points at a port nothing listens on: its Redis is down for the whole file.
  fs.writeFileSync(file, JSON.stringify({ connections: [{ name: 'main', url: redis.url }, { name: 'offline', url: 'redis://127.0.0.1:1' }] }));
  await configureFromFile(file);
  process.env.DROVER_METRICS_TOKEN = METRICS_TOKEN;

  // Finish the jobs and scrape within one clock minute, so "last minute" counts are exact.
  if (Date.now() % 60_000 > 45_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 100));
  const emails = new Queue('emails', { connection: { url: redis.url } });
  const dead = new Queue('dead-letter', { connection: { url: redis.url } });
  queues.push(emails, dead);
  await emails.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: i < 3 ? 'ok' : 'boom', data: {} })));
  let finished = 0;
  worker = new Worker('emails', async (job) => {
    if (job.name === 'boom') throw new Error('no');
  }, { connection: { url: redis.url }, metrics: { maxDataPoints: MetricsTime.ONE_HOUR }, name: 'prom-test' });
  worker.on('completed', () => finished++);
  worker.on('failed', () => finished++);
  await waitFor(() => finished === 5, { what: 'five jobs to finish' });
  await emails.pause();
  await emails.add('queued', {}, { timestamp: Date.now() - 90_000 });
  await emails.add('later', {}, { delay: 60_000 });
  await dead.addBulk([{ name: 'x', data: {} }, { name: 'y', data: {} }]);
  const odd = new Queue('odd "queue" \\ name', { connection: { url: redis.url } });
  queues.push(odd);
  await odd.add('x', {});
  viewerToken = (await issueApiToken(ctxAs('admin'), { name: 'prometheus', role: 'viewer' })).token;
});

afterAll(async () => {
  delete process.env.DROVER_METRICS_TOKEN;
  await worker?.close();
  await Promise.all(queues.map((q) => q.close()));
  await closeAllConnections();
  await redis.stop();
});

describe('/api/metrics authentication', () => {
  it('answers 401 without a bearer token, with a wrong one, and with a malformed header', async () => {
    for (const header of [undefined, 'Bearer wrong-token', 'Bearer drv_unknown', 'Basic abc']) {
      const res = await scrape(header);
      expect(res.status, String(header)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="drover"');
      expect((await res.json()).error.code).toBe('unauthorized');
    }
  });

  it('accepts DROVER_METRICS_TOKEN and any API token', async () => {
    expect((await scrape(`Bearer ${METRICS_TOKEN}`)).status).toBe(200);
    expect((await scrape(`Bearer ${viewerToken}`)).status).toBe(200);
  });

  it('refuses an API token that has expired, like every other route', async () => {
    const { token: shortLived } = await issueApiToken(ctxAs('admin'), { name: 'short-lived', role: 'viewer', expiresIn: 1000 });
    expect((await scrape(`Bearer ${shortLived}`)).status).toBe(200);
    await waitFor(async () => (await scrape(`Bearer ${shortLived}`)).status === 401, { timeout: 10_000, what: 'the token to expire' });
    const expired = await scrape(`Bearer ${shortLived}`);
    expect((await expired.json()).error.message).toMatch(/API token "short-lived" expired at/);
  });
});

describe('/api/metrics exposition', () => {
  it('is valid Prometheus text with the expected series', async () => {
    const res = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const e = parseExposition(await res.text());

    const expected = [
      'drover_queue_jobs',
      'drover_queue_paused',
      'drover_queue_workers',
      'drover_queue_completed_last_minute',
      'drover_queue_failed_last_minute',
      'drover_queue_metrics_recorded',
      'drover_queue_oldest_waiting_seconds',
      'drover_dead_letter_jobs',
      'drover_redis_up',
      'drover_redis_used_memory_bytes',
    ];
    expect([...e.types.keys()].sort()).toEqual([...expected].sort());
    for (const name of expected) {
      expect(e.types.get(name)).toBe('gauge');
      expect(e.help.get(name)?.length).toBeGreaterThan(10);
    }

    const emails = { connection: 'main', queue: 'emails' };
    expect(value(e, 'drover_queue_jobs', { ...emails, state: 'waiting' })).toBe(1);
    expect(value(e, 'drover_queue_jobs', { ...emails, state: 'delayed' })).toBe(1);
    expect(value(e, 'drover_queue_jobs', { ...emails, state: 'completed' })).toBe(3);
    expect(value(e, 'drover_queue_jobs', { ...emails, state: 'failed' })).toBe(2);
    expect(value(e, 'drover_queue_jobs', { ...emails, state: 'waiting-children' })).toBe(0);
    expect(e.samples.filter((s) => s.name === 'drover_queue_jobs' && s.labels.queue === 'emails')).toHaveLength(7);
    expect(value(e, 'drover_queue_paused', emails)).toBe(1);
    expect(value(e, 'drover_queue_workers', emails)).toBe(1);
    expect(value(e, 'drover_queue_metrics_recorded', emails)).toBe(1);
    // All five finished within the last minute or so (the test ran them just now).
    expect(value(e, 'drover_queue_completed_last_minute', emails)).toBe(3);
    expect(value(e, 'drover_queue_failed_last_minute', emails)).toBe(2);
    const oldest = value(e, 'drover_queue_oldest_waiting_seconds', emails)!;
    expect(oldest).toBeGreaterThanOrEqual(90);
    expect(oldest).toBeLessThan(200);

    expect(value(e, 'drover_dead_letter_jobs', { connection: 'main' })).toBe(2);
    expect(value(e, 'drover_queue_jobs', { connection: 'main', queue: 'dead-letter', state: 'waiting' })).toBe(2);
    expect(value(e, 'drover_queue_oldest_waiting_seconds', { connection: 'main', queue: 'dead-letter' })).toBeGreaterThanOrEqual(0);
    // Label values are escaped so a strict parser reads the queue name back exactly.
    expect(value(e, 'drover_queue_jobs', { connection: 'main', queue: 'odd "queue" \\ name', state: 'waiting' })).toBe(1);
    expect(value(e, 'drover_redis_up', { connection: 'main' })).toBe(1);
    expect(value(e, 'drover_redis_used_memory_bytes', { connection: 'main' })).toBeGreaterThan(100_000);

    // The connection that is down: up 0, and no made-up numbers for it.
    expect(value(e, 'drover_redis_up', { connection: 'offline' })).toBe(0);
    expect(e.samples.filter((s) => s.labels.connection === 'offline').map((s) => s.name)).toEqual(['drover_redis_up']);
  });

  it('never contains the Redis password or URL', async () => {
    const text = await (await scrape(`Bearer ${METRICS_TOKEN}`)).text();
    expect(text).not.toContain(redis.url);
    expect(text).not.toContain('redis://');
  });
});

describe('/api/metrics for an API token with grants (README › Team scopes)', () => {
  /** A token whose record has grants, written the way the token store keeps it (the digest of the token). */
  async function tokenWithGrants(name: string, role: 'none' | 'viewer', grants: Array<{ connection: string; queue: string; role: 'viewer' | 'operator' | 'admin' }>): Promise<string> {
    const token = `drv_${randomBytes(32).toString('base64url')}`;
    const record: ApiTokenRecord = { id: randomUUID(), name, role, grants, createdBy: 'admin@test', createdAt: Date.now(), hint: token.slice(0, 8) };
    const digest = createHash('sha256').update(token).digest('hex');
    expect(await apiTokensStore().create({ digest, id: record.id, nameKey: tokenNameKey(name), record: JSON.stringify(apiTokenRecordSchema.parse(record)), createdAt: record.createdAt })).toBeNull();
    return token;
  }

  it('exports only the series of the queues and connections the token may see', async () => {
    const token = await tokenWithGrants('billing-scrape', 'none', [{ connection: 'main', queue: 'emails', role: 'viewer' }]);
    const res = await scrape(`Bearer ${token}`);
    expect(res.status).toBe(200);
    const e = parseExposition(await res.text());
    const queuesSeen = new Set(e.samples.filter((s) => s.labels.queue !== undefined).map((s) => `${s.labels.connection}/${s.labels.queue}`));
    expect([...queuesSeen]).toEqual(['main/emails']);
    expect(value(e, 'drover_queue_jobs', { connection: 'main', queue: 'emails', state: 'completed' })).toBe(3);
    // Connection series only for the connection it reaches; the dead-letter total (every origin queue) is left out.
    expect(new Set(e.samples.map((s) => s.labels.connection))).toEqual(new Set(['main']));
    expect(value(e, 'drover_redis_up', { connection: 'main' })).toBe(1);
    expect(e.samples.filter((s) => s.name === 'drover_dead_letter_jobs')).toEqual([]);
  });

  it('a token with neither a global role nor a matching grant gets no series; the metrics token still gets every one', async () => {
    const token = await tokenWithGrants('nothing-scrape', 'none', [{ connection: 'elsewhere', queue: '*', role: 'viewer' }]);
    const e = parseExposition(await (await scrape(`Bearer ${token}`)).text());
    expect(e.samples).toEqual([]);
    const all = parseExposition(await (await scrape(`Bearer ${METRICS_TOKEN}`)).text());
    expect(new Set(all.samples.map((s) => s.labels.connection))).toEqual(new Set(['main', 'offline']));
    expect(all.samples.some((s) => s.labels.queue === 'dead-letter')).toBe(true);
  });
});

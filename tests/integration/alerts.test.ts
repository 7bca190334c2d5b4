// Alert rules against real Redis servers (the console on Redis or PostgreSQL) and a real local webhook receiver: every rule kind fires and
// resolves, disabled rules and cooldowns stay quiet, one notification per episode. Time is a clock the
// test moves (samples and evaluations take `now`), so "for 5 minutes" takes no real minutes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MetricsTime, Queue, Worker } from 'bullmq';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { withEgressAllow } from '../helpers/workers';
import { getConnection, listConnections } from '@/lib/redis/connections';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { Sampler, sampleOnce } from '@/lib/metrics/sampler';
import { collectSnapshot } from '@/lib/metrics/snapshot';
import { evaluateAlerts, resetAlertCache } from '@/lib/alerts/evaluate-alerts';
import { alertRuleInputSchema } from '@/lib/alerts/rule';
import { publicBaseUrl } from '@/lib/alerts/alert-link';
import { createAlertRule } from '@/lib/alerts/create-alert-rule';
import { deleteAlertRule } from '@/lib/alerts/delete-alert-rule';
import { testAlertRule } from '@/lib/alerts/test-alert-rule';
import { updateAlertRule } from '@/lib/alerts/update-alert-rule';
import { listAlertHistory, listAlertRules } from '@/lib/alerts/list-alerts';
import { appendHistory, HISTORY_MAX_ENTRIES, readHistory, readRules, readStates, type AlertHistoryEntry } from '@/lib/alerts/store';
import type { AlertRuleInput } from '@/lib/alerts/rule';
import { issueApiToken } from '@/lib/users/issue-api-token';
import * as alertsRoute from '@/app/api/v1/alerts/route';
import * as alertRoute from '@/app/api/v1/alerts/[id]/route';
import * as alertTestRoute from '@/app/api/v1/alerts/[id]/test/route';
import * as historyRoute from '@/app/api/v1/alerts/history/route';

const MINUTE = 60_000;
const admin = ctxAs('admin');

let main: TestRedis;
let edge: TestRedis;
const queues: Queue[] = [];

// ---- the webhook receiver -------------------------------------------------------------------
type Hit = { path: string; body: Record<string, unknown> };
let receiver: http.Server;
let port = 0;
const hits: Hit[] = [];

function hook(name: string): string {
  return `http://127.0.0.1:${port}/hook/${name}?token=secret-${name}`;
}
function hitsFor(name: string): Hit[] {
  return hits.filter((h) => h.path.startsWith(`/hook/${name}?`));
}

// ---- the clock ------------------------------------------------------------------------------
// One clock for the whole file, only moving forward: samples are appended in time order per queue.
let clock = Date.now();

/** Moves the clock, samples every connection at that time, and evaluates the rules. */
async function round(advanceMs = 10_000) {
  clock += advanceMs;
  for (const conn of listConnections()) await discoverQueues(conn, { refresh: true }).catch(() => {});
  return evaluateAlerts(await sampleOnce({ now: clock }), { now: clock });
}

function q(name: string, redis = main) {
  const queue = new Queue(name, { connection: { url: redis.url } });
  queue.on('error', () => {}); // the edge Redis is stopped on purpose
  queues.push(queue);
  return queue;
}

function rule(name: string, fields: Partial<AlertRuleInput> & Pick<AlertRuleInput, 'kind'>): AlertRuleInput {
  return {
    name,
    enabled: true,
    connection: 'main',
    queue: null,
    threshold: 0,
    minutes: 0,
    cooldownMinutes: 0,
    webhookUrl: hook(name),
    webhookFormat: 'json',
    ...fields,
  };
}

async function statusOf(id: string) {
  return (await listAlertRules()).find((r) => r.id === id)!;
}

beforeAll(async () => {
  // The test receivers listen on 127.0.0.1, which the egress policy refuses by default (lib/egress).
  process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
      res.writeHead(req.url?.startsWith('/hook/broken') ? 500 : 200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

/** Every audit entry, oldest first. */
async function auditEntries() {
  return (await listAudit(auditQuerySchema.parse({ limit: 500 }))).entries.reverse();
}

// The rules, states, history, samples and lease on either store of the console connection; the queues
// on two Redis servers ("main", and "edge" that a test stops).
describe.each(STORE_KINDS)('alerts with the console on %s', (kind) => {
  beforeAll(async () => {
    [main, edge] = await Promise.all([startTestRedis(), startTestRedis()]);
    // A fresh console store: the clock starts again at real time (BullMQ's metrics are read relative to it).
    clock = Date.now();
  });

  // Registered before the console's own: it runs after lib/'s connections are closed.
  afterAll(async () => {
    await Promise.all(queues.splice(0).map((x) => x.close()));
    await Promise.all([main.stop(), edge.stop()]);
  });

  const c = consoleForThisFile(kind, () => [{ name: 'main', url: main.url }, { name: 'edge', url: edge.url }]);

  afterEach(async () => {
    for (const r of await readRules()) await deleteAlertRule(admin, { id: r.id });
    resetAlertCache();
    hits.length = 0;
  });

  describe('rules fire and resolve', () => {
    // First in the file: BullMQ's per-minute metrics are read relative to the clock, which starts at real time.
    it('failure rate above X% over M minutes', async () => {
      const billing = q('billing');
      await billing.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: i < 3 ? 'charge' : 'decline', data: {} })));
      let finished = 0;
      const worker = new Worker('billing', async (job) => {
        if (job.name === 'decline') throw new Error('card declined');
      }, { connection: { url: main.url }, metrics: { maxDataPoints: MetricsTime.ONE_HOUR } });
      worker.on('completed', () => finished++);
      worker.on('failed', () => finished++);
      await waitFor(() => finished === 5, { what: 'five billing jobs' });
      await worker.close();

      const hot = await createAlertRule(admin, rule('failure-hot', { kind: 'failure-rate', queue: 'billing', threshold: 30, minutes: 5 }));
      const calm = await createAlertRule(admin, rule('failure-calm', { kind: 'failure-rate', queue: 'billing', threshold: 50, minutes: 5 }));
      clock = Math.max(clock, Date.now());
      await round(0);
      expect(hitsFor('failure-hot')).toHaveLength(1);
      expect(hitsFor('failure-hot')[0].body).toEqual({
        rule: 'failure-hot',
        ruleId: hot.id,
        kind: 'failure-rate',
        state: 'firing',
        value: 40,
        threshold: 30,
        minutes: 5,
        connection: 'main',
        queue: 'billing',
        at: new Date(clock).toISOString(),
        text: '[FIRING] failure-hot: Failure rate of main/billing over 5 min: 40% (threshold > 30%)',
        link: `${publicBaseUrl()}/connections/main/queues/billing`,
      });
      expect(hitsFor('failure-calm')).toHaveLength(0); // 40% is not above 50%
      expect((await statusOf(calm.id)).status).toBe('ok');

      // Ten minutes later the failures have left the 5-minute window.
      await round(10 * MINUTE);
      expect(hitsFor('failure-hot').map((h) => h.body.state)).toEqual(['firing', 'resolved']);
      expect(hitsFor('failure-hot')[1].body.value).toBeNull();
      expect(hitsFor('failure-calm')).toHaveLength(0);
    });

    it('waiting depth above N for M minutes: pending first, one firing per episode, then resolved', async () => {
      const mail = q('mail');
      await mail.addBulk([{ name: 'a', data: {} }, { name: 'b', data: {} }, { name: 'c', data: {} }]);
      const r = await createAlertRule(admin, rule('depth', { kind: 'waiting-depth', queue: 'mail', threshold: 2, minutes: 5 }));

      await round();
      expect((await statusOf(r.id)).status).toBe('pending');
      await round(4 * MINUTE);
      expect((await statusOf(r.id)).status).toBe('pending');
      expect(hitsFor('depth')).toHaveLength(0);

      await round(MINUTE); // 5 minutes above 2
      const firing = await statusOf(r.id);
      expect(firing).toMatchObject({ status: 'firing', value: 3, target: 'main/mail', since: clock });
      expect(hitsFor('depth').map((h) => [h.body.state, h.body.value])).toEqual([['firing', 3]]);

      await round(MINUTE);
      await round(MINUTE);
      expect(hitsFor('depth')).toHaveLength(1); // still the same episode: no repeat

      await mail.drain();
      await round();
      expect(hitsFor('depth').map((h) => [h.body.state, h.body.value])).toEqual([['firing', 3], ['resolved', 0]]);
      expect((await statusOf(r.id)).status).toBe('ok');
      const history = await listAlertHistory({ ruleId: r.id });
      expect(history.map((h) => [h.type, h.notification.outcome, h.notification.status])).toEqual([
        ['resolved', 'sent', 200],
        ['firing', 'sent', 200],
      ]);
    });

    it('no workers while jobs wait (a paused queue is left alone)', async () => {
      const jobs = q('unattended');
      await jobs.addBulk([{ name: 'a', data: {} }, { name: 'b', data: {} }]);
      const held = q('held');
      await held.add('a', {});
      await held.pause();
      await createAlertRule(admin, rule('no-workers', { kind: 'no-workers', queue: 'unattended' }));
      await createAlertRule(admin, rule('no-workers-paused', { kind: 'no-workers', queue: 'held' }));

      await round();
      expect(hitsFor('no-workers').map((h) => [h.body.state, h.body.value])).toEqual([['firing', 2]]);
      expect(hitsFor('no-workers-paused')).toHaveLength(0);

      // A worker arrives and holds one job: one job still waits, but someone is working on the queue.
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const worker = new Worker('unattended', () => gate, { connection: { url: main.url }, concurrency: 1 });
      await waitFor(async () => (await jobs.getActiveCount()) === 1, { what: 'the worker to take a job' });
      await round();
      expect(hitsFor('no-workers').map((h) => h.body.state)).toEqual(['firing', 'resolved']);
      release();
      await worker.close();
    });

    it('oldest waiting job older than T', async () => {
      const stale = q('stale');
      await stale.add('old', {}, { timestamp: clock - 30_000 });
      const r = await createAlertRule(admin, rule('oldest', { kind: 'oldest-waiting', queue: 'stale', threshold: 600 }));
      await round(); // 40 s old
      expect((await statusOf(r.id)).status).toBe('ok');
      expect(hitsFor('oldest')).toHaveLength(0);

      await round(10 * MINUTE); // 640 s old
      expect(hitsFor('oldest').map((h) => [h.body.state, h.body.value])).toEqual([['firing', 640]]);
      expect(hitsFor('oldest')[0].body.text).toBe('[FIRING] oldest: Oldest waiting job in main/stale is 640 s old (threshold > 600 s)');

      await stale.drain();
      await round();
      expect(hitsFor('oldest').map((h) => h.body.state)).toEqual(['firing', 'resolved']);
    });

    it('more than N jobs match a query for M minutes: counted once a minute at most, the query and count in the message', async () => {
      const orders = q('orders');
      await orders.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'charge', data: { plan: i < 3 ? 'business' : 'free' } })));
      const r = await createAlertRule(admin, rule('query', { kind: 'query-matches', queue: 'orders', query: 'name:charge data.plan:business', threshold: 2, minutes: 1 }));
      await round();
      expect(await statusOf(r.id)).toMatchObject({ status: 'pending', value: 3 });
      await round(MINUTE);
      expect(hitsFor('query').map((h) => [h.body.state, h.body.value])).toEqual([['firing', 3]]);
      expect(hitsFor('query')[0].body.text).toBe('[FIRING] query: Jobs of main/orders matching name:charge data.plan:business: 3 (threshold > 2 for 1 min)');

      // One matching job goes: ten seconds later the minute-old count still stands; a minute later it is counted again.
      const business = (await orders.getJobs(['waiting'], 0, 10)).find((j) => j.data.plan === 'business')!;
      await business.remove();
      await round();
      expect(await statusOf(r.id)).toMatchObject({ status: 'firing', value: 3 });
      await round(MINUTE);
      expect(hitsFor('query').map((h) => [h.body.state, h.body.value])).toEqual([['firing', 3], ['resolved', 2]]);

      // A query rule names its queue and a query that parses; a bad one is refused with the parser's words.
      const refusal = (fields: Partial<AlertRuleInput>) => {
        const parsed = alertRuleInputSchema.safeParse(rule('query-bad', { kind: 'query-matches', queue: 'orders', ...fields }));
        return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      };
      expect(refusal({ query: 'stat:failed' })).toEqual(['query: unknown qualifier `stat` at 1 — did you mean `state`? (quote it to search the text: "stat:failed")']);
      expect(refusal({ query: 'state:failed', queue: null })).toEqual(['queue: choose the queue the query runs on']);
      expect(refusal({})).toEqual(['query: type the query (e.g. state:failed error:~ECONNREFUSED)']);
      expect(refusal({ query: 'state:failed' })).toBeNull();
    });

    it('dead-letter queue grew by more than N in M minutes (from the samples of the DLQ)', async () => {
      await createAlertRule(admin, rule('dlq', { kind: 'dlq-growth', threshold: 3, minutes: 5 }));
      await round(); // baseline: the DLQ is empty
      const dlq = q('dead-letter');
      await dlq.addBulk(Array.from({ length: 4 }, (_, i) => ({ name: 'dead', data: { i } })));
      await round(MINUTE);
      expect(hitsFor('dlq').map((h) => [h.body.state, h.body.value, h.body.connection, h.body.queue])).toEqual([['firing', 4, 'main', null]]);

      // Ten minutes on, the window holds no growth any more (the 4 jobs are still there; they are old news).
      await round(10 * MINUTE);
      expect(hitsFor('dlq').map((h) => [h.body.state, h.body.value])).toEqual([['firing', 4], ['resolved', 0]]);
    });

    it('Redis unreachable (a failed summary call), and resolved when it answers again', async () => {
      await q('edge-queue', edge).add('x', {});
      const r = await createAlertRule(admin, rule('edge-down', { kind: 'redis-unreachable', connection: 'edge' }));
      await round();
      expect((await statusOf(r.id)).status).toBe('ok');

      const edgePort = edge.port;
      await edge.stop();
      await round();
      expect(hitsFor('edge-down').map((h) => [h.body.state, h.body.value, h.body.connection])).toEqual([['firing', 1, 'edge']]);
      expect(hitsFor('edge-down')[0].body.text).toBe('[FIRING] edge-down: Redis of connection edge is unreachable');
      await round();
      expect(hitsFor('edge-down')).toHaveLength(1);

      edge = await startTestRedis({ port: edgePort });
      await waitFor(async () => (await collectSnapshot()).connections.find((c) => c.name === 'edge')?.up, { timeout: 15_000, what: 'the edge connection to reconnect' });
      await round();
      expect(hitsFor('edge-down').map((h) => h.body.state)).toEqual(['firing', 'resolved']);
    });
  });

  describe('quiet rules', () => {
    it('a disabled rule never notifies, whatever the condition; enabled, it fires', async () => {
      await q('ignored').add('x', {});
      const r = await createAlertRule(admin, rule('disabled', { kind: 'waiting-depth', queue: 'ignored', enabled: false }));
      await round();
      await round(MINUTE);
      expect(hitsFor('disabled')).toHaveLength(0);
      expect((await statusOf(r.id)).status).toBe('disabled');
      expect((await readStates())[r.id]).toBeUndefined();

      await updateAlertRule(admin, { id: r.id, patch: { enabled: true } });
      await round();
      expect(hitsFor('disabled').map((h) => h.body.state)).toEqual(['firing']);
    });

    it('cooldown: a new episode within N minutes of the last notification stays quiet, its end too', async () => {
      const flappy = q('flappy');
      const r = await createAlertRule(admin, rule('flappy', { kind: 'waiting-depth', queue: 'flappy', cooldownMinutes: 10 }));
      const states = () => hitsFor('flappy').map((h) => h.body.state);

      await flappy.add('x', {});
      await round();
      await flappy.drain();
      await round(MINUTE);
      expect(states()).toEqual(['firing', 'resolved']);

      await flappy.add('x', {});
      await round(MINUTE); // 2 minutes after the firing notification: in cooldown
      expect((await statusOf(r.id)).status).toBe('firing');
      expect(states()).toEqual(['firing', 'resolved']);
      const [suppressed] = await listAlertHistory({ ruleId: r.id, limit: 1 });
      expect(suppressed).toMatchObject({ type: 'firing', notification: { outcome: 'suppressed', reason: 'cooldown of 10 min' } });

      await flappy.drain();
      await round(MINUTE);
      expect(states()).toEqual(['firing', 'resolved']); // its firing was never announced: neither is its end

      await flappy.add('x', {});
      await round(10 * MINUTE); // cooldown over
      expect(states()).toEqual(['firing', 'resolved', 'firing']);
    });

    it('two console instances: only the sampler lock holder evaluates, so a firing is sent once', async () => {
      const busy = q('busy');
      await busy.add('x', {});
      await createAlertRule(admin, rule('replicas', { kind: 'waiting-depth', queue: 'busy' }));
      await discoverQueues(getConnection('main'), { refresh: true });
      const onSample = async (result: Awaited<ReturnType<typeof sampleOnce>>) => {
        await evaluateAlerts(result, { now: result.at });
      };
      const a = new Sampler({ instanceId: 'replica-a', intervalMs: 50, lockTtlMs: 2000, onSample });
      const b = new Sampler({ instanceId: 'replica-b', intervalMs: 50, lockTtlMs: 2000, onSample });
      a.start();
      b.start();
      await waitFor(() => a.sampledTicks + b.sampledTicks >= 6, { what: 'six sampled ticks' });
      await Promise.all([a.stop(), b.stop()]);
      expect(Math.min(a.sampledTicks, b.sampledTicks)).toBe(0);
      expect(hitsFor('replicas').map((h) => h.body.state)).toEqual(['firing']);
    });
  });

  describe('history', () => {
    it('keeps the newest 500 entries, newest first, whatever is appended at once', async () => {
      const entry = (i: number): AlertHistoryEntry => ({
        at: i, ruleId: 'cap', ruleName: 'cap', kind: 'waiting-depth', type: 'test', target: null, value: i, notification: { outcome: 'suppressed', reason: 'test' }, text: `entry ${i}`,
      });
      for (let i = 0; i < 1200; i += 300) await appendHistory(Array.from({ length: 300 }, (_, j) => entry(i + j)));
      const kept = await readHistory(1000, 'cap');
      expect(kept).toHaveLength(HISTORY_MAX_ENTRIES);
      expect(kept[0].value).toBe(1199);
      expect(kept[HISTORY_MAX_ENTRIES - 1].value).toBe(1200 - HISTORY_MAX_ENTRIES);
      if (kind === 'postgres') {
        const rows = await c.pool().query<{ n: string }>('SELECT count(*) AS n FROM drover.alert_history');
        expect(Number(rows.rows[0].n)).toBe(HISTORY_MAX_ENTRIES);
      }
    });
  });

  describe('notifications', () => {
    it('Slack-compatible bodies, test notifications with the receiver’s answer, and masked webhook URLs', async () => {
      const slack = await createAlertRule(admin, rule('slack', { kind: 'waiting-depth', queue: 'a<b>&c', threshold: 10, minutes: 3, webhookFormat: 'slack' }));
      const result = await testAlertRule(admin, { id: slack.id });
      expect(result).toMatchObject({ ok: true, status: 200, error: null });
      expect(result.message).toMatch(new RegExp(`^Test notification delivered to http://127\\.0\\.0\\.1:${port}/… \\(HTTP 200, \\d+ ms\\)$`));
      const [hit] = hitsFor('slack');
      expect(hit.body).toEqual({
        text: ':bell: [TEST] slack: Waiting jobs in main/a&lt;b&gt;&amp;c: n/a (threshold &gt; 10 for 3 min)',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: ':bell: [TEST] slack: Waiting jobs in main/a&lt;b&gt;&amp;c: n/a (threshold &gt; 10 for 3 min)' } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: expect.stringMatching(/^Waiting jobs above N for M minutes · \d{4}-/) }] },
          // The link back: the queue page, its name encoded (README › Alerts).
          { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Drover' }, url: `${publicBaseUrl()}/connections/main/queues/a%3Cb%3E%26c` }] },
        ],
      });

      const broken = await createAlertRule(admin, rule('broken', { kind: 'no-workers' }));
      expect(await testAlertRule(admin, { id: broken.id })).toMatchObject({ ok: false, status: 500, error: 'HTTP 500', message: 'Test notification failed: HTTP 500' });
      const closedPort = await new Promise<number>((resolve) => {
        const probe = http.createServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as AddressInfo).port;
          probe.close(() => resolve(p));
        });
      });
      const nowhere = await createAlertRule(admin, { ...rule('nowhere', { kind: 'no-workers' }), webhookUrl: `http://127.0.0.1:${closedPort}/hook?token=secret-nowhere` });
      const refused = await testAlertRule(admin, { id: nowhere.id });
      expect(refused).toMatchObject({ ok: false, status: null, error: 'ECONNREFUSED' });

      const rules = await listAlertRules();
      expect(rules.find((x) => x.id === slack.id)!.webhookMasked).toBe(`http://127.0.0.1:${port}/…`);
      expect(JSON.stringify(rules)).not.toContain('secret-');
      expect(JSON.stringify(rules)).not.toContain('webhookUrl');
      const history = await listAlertHistory();
      expect(history.slice(0, 3).map((h) => [h.type, h.notification.outcome, h.notification.status ?? null, h.notification.error ?? null])).toEqual([
        ['test', 'failed', null, 'ECONNREFUSED'],
        ['test', 'failed', 500, 'HTTP 500'],
        ['test', 'sent', 200, null],
      ]);
      const audit = await auditEntries();
      expect(JSON.stringify(audit)).not.toContain('secret-');
      expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['alert.create', 'alert.test']));
    });
  });

  describe('egress policy', () => {
    it('a webhook at a refused address: the delivery and the Test button report the egress refusal and nothing is sent; allowed webhooks still deliver', async () => {
      // Loopback too, but this file allows only 127.0.0.1.
      let insideHits = 0;
      const inside = http.createServer((_req, res) => {
        insideHits++;
        res.end('ok');
      });
      await new Promise<void>((resolve) => inside.listen(0, '127.0.0.2', resolve));
      const insidePort = (inside.address() as AddressInfo).port;
      try {
        await q('egress').add('x', {});
        const refused = await createAlertRule(admin, { ...rule('inside', { kind: 'waiting-depth', queue: 'egress' }), webhookUrl: `http://127.0.0.2:${insidePort}/hook?token=secret-inside` });
        await createAlertRule(admin, rule('outside', { kind: 'waiting-depth', queue: 'egress' }));
        const refusal = `127.0.0.2:${insidePort} is refused by the egress policy: 127.0.0.2 is a loopback address. To allow it, add it to DROVER_EGRESS_ALLOW (comma-separated CIDR blocks and host names, e.g. DROVER_EGRESS_ALLOW=127.0.0.2/32)`;

        const report = await round();
        expect(report.transitions.find((t) => t.ruleId === refused.id)!.delivery).toMatchObject({ ok: false, status: null, error: refusal });
        expect(hitsFor('outside').map((h) => h.body.state)).toEqual(['firing']);
        const fired = (await listAlertHistory()).find((h) => h.ruleName === 'inside' && h.type === 'firing')!;
        expect(fired.notification).toMatchObject({ outcome: 'failed', error: refusal });

        const tested = await testAlertRule(admin, { id: refused.id });
        expect(tested).toMatchObject({ ok: false, status: null, error: refusal, message: `Test notification failed: ${refusal}` });
        expect(insideHits).toBe(0);

        // Without an allow rule 127.0.0.1 is refused as well, on the Test button too.
        const outside = (await readRules()).find((r) => r.name === 'outside')!;
        const unallowed = await withEgressAllow(undefined, () => testAlertRule(admin, { id: outside.id }));
        expect(unallowed.error).toBe(
          `127.0.0.1:${port} is refused by the egress policy: 127.0.0.1 is a loopback address. To allow it, add it to DROVER_EGRESS_ALLOW (comma-separated CIDR blocks and host names, e.g. DROVER_EGRESS_ALLOW=127.0.0.1/32)`,
        );
        expect(hitsFor('outside')).toHaveLength(1);
        // Allowed again: the test notification is delivered (tested by another admin: the one above tested
        // this rule just now, and each admin tests a rule once per 10 s).
        expect(await testAlertRule(ctxAs('admin', 'second-admin@test'), { id: outside.id })).toMatchObject({ ok: true, status: 200 });
        expect(hitsFor('outside')).toHaveLength(2);

        // The URL is still a secret: not in the outcome, the history or the audit log.
        expect(JSON.stringify([tested, unallowed, await listAlertHistory()])).not.toContain('secret-');
        expect(JSON.stringify(await auditEntries())).not.toContain('secret-');
      } finally {
        await new Promise((r) => inside.close(r));
      }
    });
  });

  describe('/api/v1/alerts', () => {
    const noParams = { params: Promise.resolve({}) };
    const withId = (id: string) => ({ params: Promise.resolve({ id }) });
    function req(token: string, method = 'GET', body?: unknown, url = 'http://console.test/api/v1/alerts') {
      return new Request(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    }

    it('lets admins create, read, change, test and delete rules; others get 403; input is validated', async () => {
      const adminToken = (await issueApiToken(admin, { name: 'alerts-admin', role: 'admin' })).token;
      const operatorToken = (await issueApiToken(admin, { name: 'alerts-operator', role: 'operator' })).token;
      const body = { name: 'api rule', kind: 'waiting-depth', connection: 'main', queue: 'mail', threshold: 5, minutes: 2, webhookUrl: hook('api'), webhookFormat: 'json' };

      expect((await alertsRoute.POST(req(operatorToken, 'POST', body), noParams)).status).toBe(403);
      expect((await alertsRoute.GET(req(operatorToken), noParams)).status).toBe(403);

      const created = await alertsRoute.POST(req(adminToken, 'POST', body), noParams);
      expect(created.status).toBe(201);
      const rule = await created.json();
      expect(rule).toMatchObject({ name: 'api rule', enabled: true, cooldownMinutes: 15, webhookMasked: `http://127.0.0.1:${port}/…`, createdBy: 'token:alerts-admin' });
      expect(rule.webhookUrl).toBeUndefined();

      const listed = await (await alertsRoute.GET(req(adminToken), noParams)).json();
      expect(listed.rules.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([[rule.id, 'ok']]);

      const patched = await alertRoute.PATCH(req(adminToken, 'PATCH', { threshold: 7, enabled: false }), withId(rule.id));
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({ threshold: 7, enabled: false, webhookMasked: `http://127.0.0.1:${port}/…` });
      // The saved webhook is kept when the patch does not name one.
      expect((await readRules())[0].webhookUrl).toBe(hook('api'));

      const tested = await alertTestRoute.POST(req(adminToken, 'POST'), withId(rule.id));
      expect(await tested.json()).toMatchObject({ ok: true, status: 200 });
      expect(hitsFor('api')[0].body).toMatchObject({ test: true, rule: 'api rule', state: 'firing' });
      const history = await (await historyRoute.GET(req(adminToken, 'GET', undefined, `http://console.test/api/v1/alerts/history?rule=${rule.id}`), noParams)).json();
      expect(history.history.map((h: { type: string }) => h.type)).toEqual(['test']);

      const invalid = [
        [{ ...body, kind: 'failure-rate', minutes: 0 }, 'minutes'],
        [{ ...body, connection: 'nope' }, 'connection'],
        [{ ...body, connection: null }, 'connection'],
        [{ ...body, webhookUrl: 'ftp://example.com/x' }, 'webhookUrl'],
        [{ ...body, threshold: 2.5 }, 'threshold'],
        [{ ...body, kind: 'bogus' }, 'kind'],
      ] as const;
      for (const [input, field] of invalid) {
        const res = await alertsRoute.POST(req(adminToken, 'POST', input), noParams);
        expect(res.status, field).toBe(400);
        expect(Object.keys((await res.json()).error.fieldErrors ?? {}), field).toContain(field);
      }

      expect((await alertRoute.DELETE(req(operatorToken, 'DELETE'), withId(rule.id))).status).toBe(403);
      expect((await alertRoute.DELETE(req(adminToken, 'DELETE'), withId(rule.id))).status).toBe(200);
      expect((await alertRoute.DELETE(req(adminToken, 'DELETE'), withId(rule.id))).status).toBe(404);

      const audit = await auditEntries();
      const alertEntries = audit.filter((e) => e.action.startsWith('alert.') && e.actor.startsWith('token:alerts-'));
      expect(alertEntries.map((e) => [e.action, e.outcome])).toEqual([
        ['alert.create', 'denied'],
        ['alert.create', 'ok'],
        ['alert.update', 'ok'],
        ['alert.test', 'ok'],
        // Six invalid calls by one token in a window: one entry that counts them (see audit-flood.test.ts).
        ['alert.create', 'invalid'],
        ['alert.delete', 'denied'],
        ['alert.delete', 'ok'],
        // A 404 is a refusal (the rule is gone), not a store error.
        ['alert.delete', 'refused'],
      ]);
      expect(JSON.stringify(audit)).not.toContain('secret-');
      const refusals = await listAudit(auditQuerySchema.parse({ action: 'alert.create', outcome: 'invalid' }));
      expect(refusals.entries.find((e) => e.actor.startsWith('token:alerts-'))?.repeats?.count).toBe(invalid.length);
    });
  });
});

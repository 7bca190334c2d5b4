// Paging channels against real peers, on both console stores: a real SMTP server (smtp-server) receives
// the alert emails, an HTTP receiver checks the PagerDuty Events API v2 and Opsgenie payloads; each
// channel gets one firing and one resolve, also when two console instances evaluate the same rounds or
// one takes over from the other (the delivery claims in the console store, lib/alerts/deliveries.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { killIfRunning, root, startHttpPeer, TSX, type PeerRequest } from '../helpers/workers';
import { spawn, type ChildProcess } from 'node:child_process';
import { listConnections } from '@/lib/redis/connections';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { Sampler, sampleOnce } from '@/lib/metrics/sampler';
import { evaluateAlerts, OUTSTANDING_MAX_PER_RULE, resetAlertCache } from '@/lib/alerts/evaluate-alerts';
import { createAlertRule } from '@/lib/alerts/create-alert-rule';
import { deleteAlertRule } from '@/lib/alerts/delete-alert-rule';
import { updateAlertRule } from '@/lib/alerts/update-alert-rule';
import { testAlertRule } from '@/lib/alerts/test-alert-rule';
import { readHistory, readRules, readStates } from '@/lib/alerts/store';
import { deliveryKey } from '@/lib/alerts/deliveries';
import { alertChannelStore } from '@/lib/store/console/alert-channels';
import { createChannel } from '@/lib/alerts/channels/create-channel';
import { updateChannel } from '@/lib/alerts/channels/update-channel';
import { deleteChannel } from '@/lib/alerts/channels/delete-channel';
import { testChannel } from '@/lib/alerts/channels/test-channel';
import { RESOLVE_IN_REQUEST_MAX } from '@/lib/alerts/resolve-stopped-rule';
import { CHANNEL_TEST_LIMITS_DDL } from '@/lib/store/postgres/ddl/alert-channels';
import { INSECURE_KEY_ENDPOINT_ERROR } from '@/lib/alerts/channels/endpoint-security';
import { randomUUID } from 'node:crypto';
import { CHANNEL_TESTS_PER_MINUTE, CHANNEL_TEST_EVERY_MS, RULE_TESTS_PER_MINUTE, RULE_TEST_EVERY_MS } from '@/lib/alerts/channels/test-limit';
import { listChannels } from '@/lib/alerts/channels/list-channels';
import { readChannels } from '@/lib/alerts/channels/channel-store';
import { EMAIL_NOT_CONFIGURED } from '@/lib/alerts/channels/email';
import { MAX_CHANNELS, MAX_EMAIL_RECIPIENTS, channelInputSchema } from '@/lib/alerts/channels/channel';
import { alertRuleInputSchema, type AlertRuleInput } from '@/lib/alerts/rule';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';
import { principalWithAccess } from '@/lib/auth/principal';
import type { PublicChannel } from '@/lib/alerts/channels/channel';

const admin = ctxAs('admin', 'root@test');
const scopedAdmin = { actor: principalWithAccess({ kind: 'session', id: 'sa@test', name: 'sa@test' }, { global: null, grants: [{ connection: 'main', queue: 'mail*', role: 'admin' }] }), via: 'api' as const };
const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const GENIE_KEY = 'genie-secret-0123456789';
const PUBLIC_URL = 'https://drover.example.com/ops';

type Mail = { to: string[]; raw: string };
/** The message with quoted-printable soft line breaks joined (long lines such as the link are folded). */
const unfolded = (m: Mail) => m.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=').replace(/\r\n[ \t]+/g, ' ');
let smtp: SMTPServer;
let smtpPort = 0;
const mails: Mail[] = [];
let peer: Awaited<ReturnType<typeof startHttpPeer>>;
let main: TestRedis;
const queues: Queue[] = [];

/** The peer answers like PagerDuty and Opsgenie (202) at their paths, 200 to the plain webhook, 500 under /down. */
function peerAnswer(req: PeerRequest) {
  if (req.url.startsWith('/hang')) return { status: 200, hang: true };
  if (req.url.startsWith('/down')) return { status: 500, body: `boom ${req.headers.authorization ?? ''}` };
  if (req.url.startsWith('/pd') || req.url.startsWith('/og')) return { status: 202, body: '{"status":"success"}' };
  return { status: 200 };
}
const requestsTo = (prefix: string) => peer.requests.filter((r) => r.url.startsWith(prefix));
const bodies = (prefix: string) => requestsTo(prefix).map((r) => JSON.parse(r.body) as Record<string, unknown>);

let clock = Date.now();
async function sample(advanceMs = 10_000) {
  clock += advanceMs;
  for (const conn of listConnections()) await discoverQueues(conn, { refresh: true }).catch(() => {});
  return sampleOnce({ now: clock });
}

beforeAll(async () => {
  process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
  process.env.DROVER_PUBLIC_URL = PUBLIC_URL;
  peer = await startHttpPeer(peerAnswer);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  process.env.DROVER_MAIL_FROM = 'alerts@example.com';
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  delete process.env.DROVER_PUBLIC_URL;
  await peer.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe.each(STORE_KINDS)('paging channels with the console on %s', (kind) => {
  beforeAll(async () => {
    main = await startTestRedis();
    clock = Date.now();
  });
  afterAll(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await main.stop();
  });
  const store = consoleForThisFile(kind, () => [{ name: 'main', url: main.url }]);
  /** Forgets every delivery record (as after their 7-day expiry, a flushed store, or an alert announced before channels existed). */
  async function forgetDeliveries() {
    if (kind === 'redis') {
      const keys = await store.redis().keys('drover:{console}:alerts:delivery:*');
      if (keys.length) await store.redis().del(...keys);
    } else await store.pool().query('DELETE FROM drover.alert_delivery');
  }
  /** Forgets the Test limit's records (a test below reads them at clocks ahead of this one). */
  async function forgetTestLimits() {
    if (kind === 'redis') {
      const keys = [...(await store.redis().keys('drover:{console}:alerts:channel-test*')), 'drover:{console}:alerts:rule-tests'];
      if (keys.length) await store.redis().del(...keys);
    } else await store.pool().query('DELETE FROM drover.alert_channel_test');
  }

  afterEach(async () => {
    for (const r of await readRules()) await deleteAlertRule(admin, { id: r.id });
    for (const c of await readChannels()) await deleteChannel(admin, { id: c.id });
    await forgetTestLimits();
    resetAlertCache();
    peer.requests.length = 0;
    mails.length = 0;
  });

  async function channels() {
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, severity: 'critical', url: `${peer.url}/pd/v2/enqueue` } }));
    const og = await createChannel(admin, channelInputSchema.parse({ type: 'opsgenie', name: 'og', config: { apiKey: GENIE_KEY, baseUrl: `${peer.url}/og`, priority: 'P2' } }));
    const mail = await createChannel(admin, channelInputSchema.parse({ type: 'email', name: 'mail', config: { to: ['oncall@example.com', 'lead@example.com'], subjectPrefix: '[drover]' } }));
    const hook = await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: 'hook', config: { url: `${peer.url}/hook?token=hook-secret`, format: 'json' } }));
    return { pd, og, mail, hook, ids: [pd.id, og.id, mail.id, hook.id] };
  }

  async function depthRule(name: string, queue: string, channelIds: string[], extra: Partial<AlertRuleInput> = {}) {
    return createAlertRule(admin, alertRuleInputSchema.parse({ name, kind: 'waiting-depth', connection: 'main', queue, threshold: 1, minutes: 0, cooldownMinutes: 0, channelIds, ...extra }));
  }

  async function fill(queue: string, n: number) {
    const q = new Queue(queue, { connection: { url: main.url } });
    queues.push(q);
    await q.addBulk(Array.from({ length: n }, (_, i) => ({ name: `j${i}`, data: {} })));
    return q;
  }

  it('secrets are write-only: masked in every read and audit entry; scoped admins see names and types only; only global admins manage channels', async () => {
    const { pd, og, hook } = await channels();
    expect(pd).toMatchObject({ type: 'pagerduty', name: 'pd', config: { routingKey: 'set', severity: 'critical', url: `${peer.url}/…` } });
    expect(og.config).toEqual({ apiKey: 'set', baseUrl: `${peer.url}/…`, priority: 'P2' });
    const listed = await listChannels({ global: 'admin', grants: [] });
    const everything = JSON.stringify(listed) + JSON.stringify(await listAudit(auditQuerySchema.parse({ limit: 50 })));
    for (const secret of [ROUTING_KEY, GENIE_KEY, 'hook-secret']) expect(everything).not.toContain(secret);
    expect(await listChannels({ global: null, grants: [{ connection: 'main', queue: 'mail*', role: 'admin' }] })).toEqual(
      expect.arrayContaining([{ id: pd.id, name: 'pd', type: 'pagerduty' }, { id: hook.id, name: 'hook', type: 'webhook' }] as PublicChannel[]),
    );
    await expect(createChannel(scopedAdmin, channelInputSchema.parse({ type: 'email', name: 'x', config: { to: ['a@example.com'] } }))).rejects.toMatchObject({ status: 403 });
    await expect(testChannel(scopedAdmin, { id: pd.id })).rejects.toMatchObject({ status: 403 });

    // An update without the secret keeps it: the next delivery still carries the saved routing key.
    await updateChannel(admin, { id: pd.id, patch: { name: 'pd-renamed', config: { severity: 'warning' } } });
    const result = await testChannel(admin, { id: pd.id });
    expect(result).toMatchObject({ ok: true, steps: [{ step: 'trigger', ok: true, status: 202 }, { step: 'resolve', ok: true, status: 202 }] });
    const [trigger] = bodies('/pd');
    // (A test goes at severity info; the saved severity is in the audit entry below.)
    expect(trigger).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', payload: { severity: 'info', custom_details: { test: true } } });
    const updateEntry = (await listAudit(auditQuerySchema.parse({ limit: 5 }))).entries.find((e) => e.action === 'alertChannel.update');
    expect(JSON.stringify(updateEntry)).toContain('warning');
  });

  it('a PagerDuty URL or Opsgenie base URL is changed only with its secret entered again (a write-only key cannot be sent elsewhere)', async () => {
    const { pd, og } = await channels();
    await expect(updateChannel(admin, { id: pd.id, patch: { config: { url: `${peer.url}/evil` } } })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('routing key') });
    await expect(updateChannel(admin, { id: og.id, patch: { config: { baseUrl: `${peer.url}/evil` } } })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('API key') });
    await testChannel(admin, { id: pd.id });
    await testChannel(admin, { id: og.id });
    expect(requestsTo('/evil')).toHaveLength(0);
    // With the secret again the change is made; the same URL without it is no change.
    await updateChannel(admin, { id: pd.id, patch: { config: { url: `${peer.url}/pd/new`, routingKey: ROUTING_KEY } } });
    await updateChannel(admin, { id: og.id, patch: { config: { baseUrl: `${peer.url}/og`, priority: 'P1' } } });
    expect((await readChannels()).find((c) => c.id === pd.id)?.config).toMatchObject({ url: `${peer.url}/pd/new` });
  });

  it('a PagerDuty or Opsgenie address is https, or plain http only to a host DROVER_EGRESS_ALLOW opens (the key travels with every request)', async () => {
    const plainPd = channelInputSchema.parse({ type: 'pagerduty', name: 'plain', config: { routingKey: ROUTING_KEY, url: 'http://events.example.com/v2/enqueue' } });
    await expect(createChannel(admin, plainPd)).rejects.toMatchObject({
      status: 400,
      message: 'The PagerDuty URL must be https:// (the routing key travels with every event); plain http:// only to a host DROVER_EGRESS_ALLOW opens, and events.example.com is not one',
      fieldErrors: { 'config.url': ['must be https:// (or a host DROVER_EGRESS_ALLOW opens)'] },
    });
    const plainOg = channelInputSchema.parse({ type: 'opsgenie', name: 'plain', config: { apiKey: GENIE_KEY, baseUrl: 'http://api.example.com' } });
    await expect(createChannel(admin, plainOg)).rejects.toMatchObject({ status: 400, fieldErrors: { 'config.baseUrl': ['must be https:// (or a host DROVER_EGRESS_ALLOW opens)'] } });
    expect(await readChannels()).toHaveLength(0);
    const entry = (await listAudit(auditQuerySchema.parse({ limit: 1 }))).entries[0];
    expect(entry).toMatchObject({ action: 'alertChannel.create', outcome: 'invalid' });
    // https anywhere; http to the receiver the tests' DROVER_EGRESS_ALLOW opens (127.0.0.1), as webhooks.
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, url: 'https://events.example.com/v2/enqueue' } }));
    await createChannel(admin, channelInputSchema.parse({ type: 'opsgenie', name: 'og', config: { apiKey: GENIE_KEY, baseUrl: `${peer.url}/og` } }));
    await expect(updateChannel(admin, { id: pd.id, patch: { config: { url: 'http://events.example.com/v2/enqueue', routingKey: ROUTING_KEY } } })).rejects.toMatchObject({ status: 400, fieldErrors: { 'config.url': [expect.stringContaining('https://')] } });
    expect((await readChannels()).find((c) => c.id === pd.id)?.config).toMatchObject({ url: 'https://events.example.com/v2/enqueue' });
    // A plain-http webhook stays accepted: its URL is the only secret, and the admin chose it.
    await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: 'hook', config: { url: 'http://hooks.example.com/x', format: 'json' } }));
    // A channel saved before https was required is not sent to (its key would travel in clear): its Test and deliveries say why.
    const id = randomUUID();
    const legacy = { id, type: 'pagerduty', name: 'legacy', config: { routingKey: ROUTING_KEY, severity: 'error', url: 'http://events.example.com/v2/enqueue' }, createdAt: 1, createdBy: 'root@test', updatedAt: 1 };
    await alertChannelStore().saveChannel(id, JSON.stringify(legacy), MAX_CHANNELS);
    expect(await testChannel(admin, { id })).toMatchObject({ ok: false, steps: [{ step: 'trigger', ok: false, error: INSECURE_KEY_ENDPOINT_ERROR }] });
  });

  it('audit entries of channel changes name only the type\'s own settings, URLs masked', async () => {
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, url: `${peer.url}/pd/private-path` } }));
    await updateChannel(admin, { id: pd.id, patch: { config: { routingKey: ROUTING_KEY, url: `${peer.url}/pd/other-private`, bogus: 'unknown-key-value' } as never } }).catch(() => undefined);
    const og = await createChannel(admin, channelInputSchema.parse({ type: 'opsgenie', name: 'og', config: { apiKey: GENIE_KEY, baseUrl: `${peer.url}/og/private-base` } }));
    await updateChannel(admin, { id: og.id, patch: { config: { priority: 'P1' } } });
    const entries = (await listAudit(auditQuerySchema.parse({ limit: 20 }))).entries.filter((e) => e.action.startsWith('alertChannel.'));
    const text = JSON.stringify(entries);
    for (const secret of ['private-path', 'other-private', 'private-base', 'unknown-key-value', 'bogus', ROUTING_KEY, GENIE_KEY]) expect(text).not.toContain(secret);
    expect(text).toContain(`${peer.url}/…`);
  });

  it('bounds: at most 20 recipients, 10 channels per rule, 50 channels per console; a channel in use is not deleted', async () => {
    expect(channelInputSchema.safeParse({ type: 'email', name: 'many', config: { to: Array.from({ length: MAX_EMAIL_RECIPIENTS + 1 }, (_, i) => `u${i}@example.com`) } }).success).toBe(false);
    expect(channelInputSchema.safeParse({ type: 'pagerduty', name: 'short', config: { routingKey: 'short' } }).success).toBe(false);
    const ids = Array.from({ length: 11 }, (_, i) => `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`);
    expect(alertRuleInputSchema.safeParse({ name: 'r', kind: 'waiting-depth', channelIds: ids }).error?.issues[0].message).toBe('at most 10 channels per rule');
    expect(alertRuleInputSchema.safeParse({ name: 'r', kind: 'waiting-depth' }).error?.issues[0].message).toBe('give a webhook URL or choose at least one channel');
    await expect(depthRule('ghost', 'mail', [ids[0]])).rejects.toMatchObject({ status: 400 });

    for (let i = 0; i < MAX_CHANNELS; i++) await createChannel(admin, channelInputSchema.parse({ type: 'email', name: `c${i}`, config: { to: ['a@example.com'] } }));
    await expect(createChannel(admin, channelInputSchema.parse({ type: 'email', name: 'one too many', config: { to: ['a@example.com'] } }))).rejects.toMatchObject({ status: 409 });
    const [first] = await readChannels();
    await depthRule('user', 'mail', [first.id]);
    await expect(deleteChannel(admin, { id: first.id })).rejects.toMatchObject({ status: 409 });
  });

  it('the 50-channel cap holds under concurrent creates (one atomic count-and-write in the store)', async () => {
    for (let i = 0; i < MAX_CHANNELS - 10; i++) await createChannel(admin, channelInputSchema.parse({ type: 'email', name: `s${i}`, config: { to: ['a@example.com'] } }));
    const burst = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => createChannel(admin, channelInputSchema.parse({ type: 'email', name: `b${i}`, config: { to: ['a@example.com'] } }))));
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(burst.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.status)).toEqual(Array(20).fill(409));
    expect(await readChannels()).toHaveLength(MAX_CHANNELS);
    // A change of an existing channel is no new one: still saved at the cap.
    const [first] = await readChannels();
    await updateChannel(admin, { id: first.id, patch: { name: 'renamed at the cap' } });
    expect((await readChannels()).find((c) => c.id === first.id)?.name).toBe('renamed at the cap');
  });

  it('one firing and one resolve per channel, PagerDuty v2 and Opsgenie shapes, the emails with the link back, and old inline-webhook rules unchanged', async () => {
    const { ids } = await channels();
    const q = await fill('mail-out', 3);
    const rule = await depthRule('mail backlog', 'mail-out', ids, { webhookUrl: `${peer.url}/inline?token=inline-secret` });
    const link = `${PUBLIC_URL}/connections/main/queues/mail-out`;

    await evaluateAlerts(await sample(), { now: clock });
    await evaluateAlerts(await sample(), { now: clock }); // still firing: nothing more
    expect(requestsTo('/pd')).toHaveLength(1);
    const [trigger] = bodies('/pd');
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      payload: { summary: '[FIRING] mail backlog: Waiting jobs in main/mail-out: 3 (threshold > 1)', source: 'drover/main/mail-out', severity: 'critical', component: 'mail-out', group: 'main', class: 'waiting-depth', custom_details: { value: 3, threshold: 1, link } },
      links: [{ href: link, text: 'Open in Drover' }],
      client: 'Drover',
      client_url: link,
    });
    expect(trigger.dedup_key).toMatch(new RegExp(`^drover:${rule.id}:`));
    const [create] = requestsTo('/og');
    expect(create.url).toBe('/og/v2/alerts');
    expect(create.headers.authorization).toBe(`GenieKey ${GENIE_KEY}`);
    expect(JSON.parse(create.body)).toMatchObject({ alias: trigger.dedup_key, source: 'Drover', priority: 'P2', details: { link }, entity: 'drover/main/mail-out' });
    expect(bodies('/hook')).toEqual([expect.objectContaining({ state: 'firing', link })]);
    expect(bodies('/inline')).toEqual([expect.objectContaining({ state: 'firing', link })]);
    await waitFor(() => mails.length === 1, { what: 'the firing email' });
    expect(mails[0].to).toEqual(['oncall@example.com', 'lead@example.com']);
    expect(mails[0].raw).toContain('Subject: [drover] [FIRING] mail backlog');
    expect(unfolded(mails[0])).toContain(link);

    await q.drain();
    await evaluateAlerts(await sample(), { now: clock });
    await evaluateAlerts(await sample(), { now: clock });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger', 'resolve']);
    expect(bodies('/pd')[1]).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: trigger.dedup_key });
    expect(requestsTo('/og').map((r) => r.url)).toEqual(['/og/v2/alerts', `/og/v2/alerts/${encodeURIComponent(String(trigger.dedup_key))}/close?identifierType=alias`]);
    expect(requestsTo('/og')[1].headers.authorization).toBe(`GenieKey ${GENIE_KEY}`);
    expect(bodies('/hook').map((b) => b.state)).toEqual(['firing', 'resolved']);
    expect(bodies('/inline').map((b) => b.state)).toEqual(['firing', 'resolved']);
    await waitFor(() => mails.length === 2, { what: 'the resolved email' });
    expect(mails[1].raw).toContain('Subject: [drover] [RESOLVED] mail backlog');
    expect(unfolded(mails[1])).toMatch(/References: <[^>]*\.firing@drover>/);
    expect(unfolded(mails[0])).toMatch(/Message-ID: <[^>]*\.firing@drover>/i);

    const [resolved] = await readHistory(1, rule.id);
    expect(resolved.channels?.map((c) => [c.name, c.outcome]).sort()).toEqual([['hook', 'sent'], ['mail', 'sent'], ['og', 'sent'], ['pd', 'sent'], ['rule webhook', 'sent']]);
  });

  it('a failed delivery is retried on later rounds (bounded, with backoff); a channel whose firing never went out gets no resolve; errors carry no secret', async () => {
    const down = await createChannel(admin, channelInputSchema.parse({ type: 'opsgenie', name: 'down', config: { apiKey: GENIE_KEY, baseUrl: `${peer.url}/down` } }));
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, url: `${peer.url}/pd` } }));
    const q = await fill('mail-retry', 2);
    const rule = await depthRule('retry', 'mail-retry', [down.id, pd.id]);

    const first = await evaluateAlerts(await sample(), { now: clock });
    const t = first.transitions.find((x) => x.ruleId === rule.id)!;
    expect(t.attempts.map((a) => [a.channel.name, a.outcome]).sort()).toEqual([['down', 'failed'], ['pd', 'sent']]);
    expect(t.delivery?.error).toBe('down: HTTP 500');
    expect(requestsTo('/down')).toHaveLength(1);

    await evaluateAlerts(await sample(10_000), { now: clock }); // 10 s later: the 30 s backoff is not over
    expect(requestsTo('/down')).toHaveLength(1);
    await evaluateAlerts(await sample(30_000), { now: clock }); // due: second try
    expect(requestsTo('/down')).toHaveLength(2);
    expect(requestsTo('/pd')).toHaveLength(1); // sent once, never again
    const history = await readHistory(10, rule.id);
    expect(history[0]).toMatchObject({ type: 'firing', notification: { outcome: 'failed', error: 'HTTP 500' } });
    expect(history[0].text).toContain('(retry 2 on down)');
    expect(JSON.stringify(history)).not.toContain(GENIE_KEY);

    await q.drain();
    await evaluateAlerts(await sample(), { now: clock });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger', 'resolve']);
    expect(requestsTo('/down')).toHaveLength(2); // its firing never went out: no close, and no more retries of the firing
    const [resolved] = await readHistory(1, rule.id);
    expect(resolved.channels?.find((c) => c.name === 'down')).toMatchObject({ outcome: 'suppressed', reason: 'its firing was not sent on this channel' });
  });

  it('a resolve still goes out when the firing\'s delivery record is gone (expired after 7 days, a flushed store, announced before the upgrade)', async () => {
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, url: `${peer.url}/pd` } }));
    const q = await fill('mail-old', 2);
    await depthRule('old', 'mail-old', [pd.id]);
    await evaluateAlerts(await sample(), { now: clock });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger']);
    await forgetDeliveries();

    await q.drain();
    await evaluateAlerts(await sample(), { now: clock });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger', 'resolve']);
    expect(bodies('/pd')[1].dedup_key).toBe(bodies('/pd')[0].dedup_key);
  });

  it('a rule disabled while firing resolves its announced targets once per channel and closes the episode; enabled again, a new incident is paged under a new key', async () => {
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, url: `${peer.url}/pd` } }));
    const hook = await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: 'hook', config: { url: `${peer.url}/hook`, format: 'json' } }));
    await fill('mail-again', 2);
    const rule = await depthRule('again', 'mail-again', [pd.id, hook.id]);
    await evaluateAlerts(await sample(), { now: clock });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger']);
    // Disabled while firing: Drover stops watching it, so the incident it opened is resolved now (not left open).
    await updateAlertRule(admin, { id: rule.id, patch: { enabled: false } });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger', 'resolve']);
    expect(bodies('/pd')[1].dedup_key).toBe(bodies('/pd')[0].dedup_key);
    expect(bodies('/hook').map((b) => b.state)).toEqual(['firing', 'resolved']);
    const [entry] = await readHistory(1, rule.id);
    expect(entry).toMatchObject({ type: 'resolved', notification: { outcome: 'sent' } });
    expect(entry.text).toContain('(rule disabled: no longer watched)');
    // Rounds while disabled, and a second disable, send nothing more.
    await evaluateAlerts(await sample(), { now: clock });
    await updateAlertRule(admin, { id: rule.id, patch: { enabled: false } });
    expect(requestsTo('/pd')).toHaveLength(2);
    await updateAlertRule(admin, { id: rule.id, patch: { enabled: true } });
    await evaluateAlerts(await sample(300_000), { now: clock });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger', 'resolve', 'trigger']);
    expect(bodies('/pd')[2].dedup_key).not.toBe(bodies('/pd')[0].dedup_key);
  });

  it('a firing rule whose threshold is changed resolves what it announced (its state starts over), so the old incident is not left open', async () => {
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, url: `${peer.url}/pd` } }));
    await fill('mail-edit', 3);
    const rule = await depthRule('edit', 'mail-edit', [pd.id]);
    await evaluateAlerts(await sample(), { now: clock });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger']);
    await updateAlertRule(admin, { id: rule.id, patch: { threshold: 2 } });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger', 'resolve']);
    expect(bodies('/pd')[1].dedup_key).toBe(bodies('/pd')[0].dedup_key);
    const [entry] = await readHistory(1, rule.id);
    expect(entry).toMatchObject({ type: 'resolved', notification: { outcome: 'sent' } });
    expect(entry.text).toContain('(rule changed: ');
    // Still above the new threshold: a new incident under a new key, and its own resolve later.
    await evaluateAlerts(await sample(), { now: clock });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger', 'resolve', 'trigger']);
    expect(bodies('/pd')[2].dedup_key).not.toBe(bodies('/pd')[0].dedup_key);
    // A change of what it does not judge (the name) keeps the state: nothing is resolved.
    await updateAlertRule(admin, { id: rule.id, patch: { name: 'edit2' } });
    expect(requestsTo('/pd')).toHaveLength(3);
  });

  it(`a stop sends at most RESOLVE_IN_REQUEST_MAX (${RESOLVE_IN_REQUEST_MAX}) resolves in the request; the targets beyond get a history entry saying theirs was not sent`, async () => {
    expect(RESOLVE_IN_REQUEST_MAX).toBe(100);
    const hooks = [];
    for (let i = 0; i < 10; i++) hooks.push(await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: `bound${i}`, config: { url: `${peer.url}/bound/${i}`, format: 'json' } })));
    for (let i = 0; i < 10; i++) await fill(`bound-${i}`, 2);
    // Every queue of the connection (this file's earlier queues too): at least the 10 filled here fire.
    const rule = await createAlertRule(admin, alertRuleInputSchema.parse({ name: 'bound', kind: 'waiting-depth', connection: 'main', queue: null, threshold: 1, minutes: 0, cooldownMinutes: 0, channelIds: hooks.map((h) => h.id), webhookUrl: `${peer.url}/bound/inline` }));
    await evaluateAlerts(await sample(), { now: clock });
    const firing = Object.values((await readStates())[rule.id].targets).filter((t) => t.state === 'firing').length;
    expect(firing).toBeGreaterThanOrEqual(10);
    expect(bodies('/bound').filter((b) => b.state === 'firing')).toHaveLength(firing * 11);
    const outcome = await deleteAlertRule(admin, { id: rule.id });
    // 11 channels a target: 9 targets (99 resolves) fit, the others are not sent and say so.
    expect(bodies('/bound').filter((b) => b.state === 'resolved')).toHaveLength(9 * 11);
    const resolved = (await readHistory(200, rule.id)).filter((e) => e.type === 'resolved');
    expect(resolved).toHaveLength(firing);
    const unsent = resolved.filter((e) => e.notification.outcome === 'failed');
    expect(unsent).toHaveLength(firing - 9);
    expect(unsent[0].notification.error).toContain(`at most ${RESOLVE_IN_REQUEST_MAX} resolves are sent when a rule stops`);
    expect(outcome).toEqual({ deleted: rule.id });
    const entry = (await listAudit(auditQuerySchema.parse({ limit: 5 }))).entries.find((e) => e.action === 'alert.delete');
    expect(entry).toMatchObject({ outcome: 'ok', params: { resolvedTargets: 9, resolveNotSent: firing - 9 } });
  });

  it('a resolve that fails after the rule was deleted or disabled (a store error) does not fail the delete or disable: the outcome says so', async () => {
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, url: `${peer.url}/pd` } }));
    await fill('mail-broken', 2);
    const one = await depthRule('broken-1', 'mail-broken', [pd.id]);
    const two = await depthRule('broken-2', 'mail-broken', [pd.id]);
    await evaluateAlerts(await sample(), { now: clock });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger', 'trigger']);
    // The history cannot be written (a real store error: the wrong type in Redis, the table gone in PostgreSQL).
    if (kind === 'redis') await store.redis().set('drover:{console}:alerts:history', 'not a list');
    else await store.pool().query('ALTER TABLE drover.alert_history RENAME TO alert_history_away');
    try {
      expect(await deleteAlertRule(admin, { id: one.id })).toEqual({ deleted: one.id });
      expect((await updateAlertRule(admin, { id: two.id, patch: { enabled: false } })).enabled).toBe(false);
    } finally {
      if (kind === 'redis') await store.redis().del('drover:{console}:alerts:history');
      else await store.pool().query('ALTER TABLE drover.alert_history_away RENAME TO alert_history');
    }
    expect((await readRules()).map((r) => [r.name, r.enabled])).toEqual([['broken-2', false]]);
    const entries = (await listAudit(auditQuerySchema.parse({ limit: 10 }))).entries;
    for (const action of ['alert.delete', 'alert.update']) {
      const e = entries.find((x) => x.action === action);
      expect(e).toMatchObject({ outcome: 'ok' });
      expect(String((e?.params as Record<string, unknown>).resolveError)).toMatch(/^the rule's open incidents could not all be resolved: /);
    }
  });

  it('a rule deleted while firing resolves its announced targets once per channel; a target whose firing was not announced gets nothing', async () => {
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, url: `${peer.url}/pd` } }));
    await fill('mail-gone', 2);
    const rule = await depthRule('gone', 'mail-gone', [pd.id]);
    await evaluateAlerts(await sample(), { now: clock });
    await deleteAlertRule(admin, { id: rule.id });
    expect(bodies('/pd').map((b) => b.event_action)).toEqual(['trigger', 'resolve']);
    expect(bodies('/pd')[1].dedup_key).toBe(bodies('/pd')[0].dedup_key);
    await evaluateAlerts(await sample(), { now: clock });
    expect(requestsTo('/pd')).toHaveLength(2);
    // Pending (not firing yet): nothing was announced, nothing to resolve.
    await fill('mail-slow', 2);
    const slow = await depthRule('slow', 'mail-slow', [pd.id], { minutes: 5 });
    await evaluateAlerts(await sample(), { now: clock });
    await deleteAlertRule(admin, { id: slow.id });
    expect(requestsTo('/pd')).toHaveLength(2);
  });

  it('two consoles evaluating the same rounds send one firing and one resolve per channel; a takeover after a crash keeps it so', async () => {
    const { ids } = await channels();
    const q = await fill('mail-twin', 2);
    await depthRule('twins', 'mail-twin', ids);

    // Both hold themselves for the leader in the same round (a lease that expired under a slow tick).
    const snapshot = await sample();
    await Promise.all([evaluateAlerts(snapshot, { now: clock, holder: 'console-a' }), evaluateAlerts(snapshot, { now: clock + 1, holder: 'console-b' })]);
    const again = await sample();
    await Promise.all([evaluateAlerts(again, { now: clock, holder: 'console-b' }), evaluateAlerts(again, { now: clock, holder: 'console-a' })]);
    expect(requestsTo('/pd')).toHaveLength(1);
    expect(requestsTo('/og')).toHaveLength(1);
    expect(requestsTo('/hook')).toHaveLength(1);
    await waitFor(() => mails.length >= 1, { what: 'the firing email' });

    // Two sampler instances on one lease: A leads, then crashes (its lease left to expire); B takes over and resolves.
    const evaluateAs = (s: Sampler) => async (result: Awaited<ReturnType<typeof sampleOnce>>) => void (await evaluateAlerts(result, { now: result.at, holder: s.instanceId, fence: () => s.stillLeader() }));
    // A lease long enough (5 s) that B's refusal is about who holds it, not about how fast a loaded machine ticks.
    const a: Sampler = new Sampler({ instanceId: 'sampler-a', intervalMs: 200, lockTtlMs: 5000, onSample: (r) => evaluateAs(a)(r) });
    const b: Sampler = new Sampler({ instanceId: 'sampler-b', intervalMs: 200, lockTtlMs: 5000, onSample: (r) => evaluateAs(b)(r) });
    expect(await a.tick()).not.toBeNull();
    expect(await b.tick()).toBeNull(); // A holds the lease
    await a.stop({ release: false });
    await q.drain();
    await waitFor(async () => (await b.tick()) !== null, { what: 'B taking over the lease', timeout: 20_000, interval: 100 });
    await b.tick();
    await b.stop();

    expect(bodies('/pd').map((x) => x.event_action)).toEqual(['trigger', 'resolve']);
    expect(requestsTo('/og')).toHaveLength(2);
    expect(bodies('/hook').map((x) => x.state)).toEqual(['firing', 'resolved']);
    await waitFor(() => mails.length === 2, { what: 'the resolved email' });
    expect(mails.map((m) => (m.raw.includes('[RESOLVED]') ? 'resolved' : 'firing'))).toEqual(['firing', 'resolved']);
  });

  it('a console killed in the middle of sending (a receiver that never answers) leaves no duplicate to the one that takes over', async () => {
    const pd = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'pd', config: { routingKey: ROUTING_KEY, url: `${peer.url}/pd` } }));
    const stuck = await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: 'stuck', config: { url: `${peer.url}/hang` } }));
    const q = await fill('mail-crash', 2);
    const rule = await depthRule('crash', 'mail-crash', [pd.id, stuck.id]);
    /** A's record of its PagerDuty firing (the episode is in the state A saved before sending). */
    const pdFiring = async () => {
      const episode = (await readStates())[rule.id]?.targets['main/mail-crash']?.since;
      return episode === undefined ? null : alertChannelStore().delivery(deliveryKey({ ruleId: rule.id, target: 'main/mail-crash', episode, state: 'firing', channelId: pd.id }));
    };

    // Console A: its own process, sampling and evaluating every 200 ms.
    let out = '';
    const a: ChildProcess = spawn(process.execPath, [...TSX, 'tests/fixtures/alert-evaluator-process.ts'], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: undefined, ALERT_PROCESS_ID: 'console-a', ALERT_PROCESS_LEASE_MS: '1500' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    a.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    a.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    try {
      // A fired: PagerDuty answered (and A recorded it), the stuck receiver holds A's request open. Then A dies.
      await waitFor(() => requestsTo('/pd').length === 1 && requestsTo('/hang').length === 1, { what: `console A's firing deliveries (its output: ${out})`, timeout: 120_000, interval: 50 });
      await waitFor(async () => (await pdFiring())?.status === 'sent', { what: 'A recording its PagerDuty firing as sent', timeout: 20_000 });
      expect(await pdFiring()).toMatchObject({ holder: 'console-a', tries: 1 });
      a.kill('SIGKILL');
      await new Promise((resolve) => (a.exitCode !== null || a.signalCode !== null ? resolve(null) : a.once('exit', resolve)));
    } finally {
      killIfRunning(a);
    }

    // Console B takes the lease once A's expires, sees the deliveries A saved before sending, and sends none again.
    // (B's process knows the queue: its discovery cache is 15 s old, made before the queue existed, in this test process.)
    for (const conn of listConnections()) await discoverQueues(conn, { refresh: true }).catch(() => {});
    const b: Sampler = new Sampler({ instanceId: 'console-b', intervalMs: 200, lockTtlMs: 1500, onSample: async (r) => void (await evaluateAlerts(r, { now: r.at, holder: b.instanceId, fence: () => b.stillLeader() })) });
    await waitFor(async () => (await b.tick()) !== null, { what: 'B taking over the lease', timeout: 20_000, interval: 100 });
    await b.tick();
    expect(requestsTo('/pd')).toHaveLength(1);
    expect(requestsTo('/hang')).toHaveLength(1); // A's claim is still "sending": not sent again within its 2 minutes

    await q.drain();
    await b.tick();
    await b.tick();
    await b.stop();
    expect(bodies('/pd').map((x) => x.event_action)).toEqual(['trigger', 'resolve']);
    expect(bodies('/pd')[1].dedup_key).toBe(bodies('/pd')[0].dedup_key);
    // The stuck receiver's firing was left "sending" (it may have been received): its resolve goes too.
    expect(requestsTo('/hang')).toHaveLength(2);
    expect(JSON.parse(requestsTo('/hang')[1].body)).toMatchObject({ state: 'resolved' });
  });

  it('a round with more new deliveries than the per-rule cap sends them all (the cap bounds retries only)', async () => {
    const hooks = [];
    for (let i = 0; i < 10; i++) hooks.push(await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: `cap${i}`, config: { url: `${peer.url}/cap/${i}`, format: 'json' } })));
    for (let i = 0; i < 19; i++) await fill(`cap-${String(i).padStart(2, '0')}`, 2);
    await createAlertRule(admin, alertRuleInputSchema.parse({ name: 'cap', kind: 'waiting-depth', connection: 'main', queue: null, threshold: 1, minutes: 0, cooldownMinutes: 0, channelIds: hooks.map((h) => h.id), webhookUrl: `${peer.url}/cap/inline` }));
    await evaluateAlerts(await sample(), { now: clock });
    const capFirings = bodies('/cap').filter((b) => String(b.queue).startsWith('cap-'));
    expect(capFirings).toHaveLength(19 * 11);
    expect(OUTSTANDING_MAX_PER_RULE).toBeLessThan(19 * 11);
  });

  it('Test buttons: each step answered; email without SMTP_URL says "not configured"; a refused address is reported; a rule with channels tests each', async () => {
    const { pd, mail } = await channels();
    const refused = await createChannel(admin, channelInputSchema.parse({ type: 'pagerduty', name: 'private', config: { routingKey: ROUTING_KEY, url: 'https://10.1.2.3/v2/enqueue' } }));
    const r = await testChannel(admin, { id: refused.id });
    expect(r.ok).toBe(false);
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0].error).toContain('10.1.2.3');
    expect(requestsTo('/pd')).toHaveLength(0);

    expect(await testChannel(admin, { id: mail.id })).toMatchObject({ ok: true, steps: [{ step: 'send', ok: true }] });
    await waitFor(() => mails.length === 1, { what: 'the test email' });
    expect(mails[0].raw).toContain('[TEST]');
    // (Another email channel: this one was tested just now, and a channel is tested once per 10 s.)
    const mail2 = await createChannel(admin, channelInputSchema.parse({ type: 'email', name: 'mail2', config: { to: ['b@example.com'] } }));
    const saved = process.env.SMTP_URL;
    delete process.env.SMTP_URL;
    try {
      expect(await testChannel(admin, { id: mail2.id })).toMatchObject({ ok: false, steps: [{ step: 'send', ok: false, error: EMAIL_NOT_CONFIGURED }] });
    } finally {
      process.env.SMTP_URL = saved;
    }

    await fill('mail-test', 1);
    const rule = await depthRule('tested', 'mail-test', [pd.id, mail.id]);
    const tested = await testAlertRule(admin, { id: rule.id });
    expect(tested.ok).toBe(true);
    expect(tested.channels.map((c) => [c.name, c.steps.map((s) => s.step)])).toEqual([['pd', ['trigger', 'resolve']], ['mail', ['send']]]);
    // A test pages at the lowest severity: it checks the path and must not wake anyone.
    expect(bodies('/pd').filter((b) => b.event_action === 'trigger').at(-1)).toMatchObject({ payload: { severity: 'info', custom_details: { test: true } } });
    // A scoped admin tests the rules they manage, but does not page the on-call through a shared channel.
    const pdBefore = requestsTo('/pd').length;
    const scopedTest = await testAlertRule(scopedAdmin, { id: rule.id });
    expect(scopedTest.channels.map((c) => [c.name, c.steps.map((s) => s.step)])).toEqual([['pd', ['skipped']], ['mail', ['send']]]);
    expect(scopedTest.message).toContain('paging channels are tested by a global admin');
    expect(requestsTo('/pd')).toHaveLength(pdBefore);
    await updateAlertRule(admin, { id: rule.id, patch: { channelIds: [pd.id] } });
    expect((await readRules())[0].channelIds).toEqual([pd.id]);
  });
  it('a rule’s Test is rate-limited too: once per rule and admin per 10 s, 20 rule Tests a minute counted apart from the channels’; a refusal is a 429, audited, and sends nothing', async () => {
    expect([RULE_TEST_EVERY_MS, RULE_TESTS_PER_MINUTE]).toEqual([10_000, 20]);
    await forgetTestLimits();
    const hook = await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: 'rule-hook', config: { url: `${peer.url}/rule-hook`, format: 'json' } }));
    await fill('rule-test', 1);
    const rule = await depthRule('rule tested', 'rule-test', [hook.id]);
    expect(await testAlertRule(admin, { id: rule.id })).toMatchObject({ ok: true });
    // The same admin again (a double click, a stuck button, a script): refused before anything is sent.
    await expect(testAlertRule(admin, { id: rule.id })).rejects.toMatchObject({
      status: 429,
      message: expect.stringMatching(/^You tested rule "rule tested" \d s ago: each admin tests a rule at most once every 10 s\. Try again in \d+ s\.$/),
    });
    expect(requestsTo('/rule-hook')).toHaveLength(1);
    const refusal = (await listAudit(auditQuerySchema.parse({ limit: 5 }))).entries.find((e) => e.action === 'alert.test');
    expect(refusal).toMatchObject({ outcome: 'denied' });
    // The console-wide count of rule Tests is its own window: full for rules, the channels' still free.
    await forgetTestLimits();
    const reserve = (channelId: string, pool: 'channels' | 'rules') => alertChannelStore().reserveTest({ channelId, everyMs: 10_000, windowMs: 60_000, limit: 2, member: randomUUID(), pool });
    expect(await reserve('rule:a:x', 'rules')).toEqual({ ok: true });
    expect(await reserve('rule:b:x', 'rules')).toEqual({ ok: true });
    expect(await reserve('rule:c:x', 'rules')).toMatchObject({ ok: false, reason: 'console' });
    expect(await reserve('c1', 'channels')).toEqual({ ok: true });
    await forgetTestLimits();
  });

  it('migration 13 (channel test limits) runs again without error (idempotent: a run stopped half-way completes)', async () => {
    if (kind !== 'postgres') return expect(kind).toBe('redis');
    await readChannels(); // the schema is migrated on first use
    await store.pool().query(CHANNEL_TEST_LIMITS_DDL);
    await store.pool().query('DROP INDEX drover.alert_channel_test_at');
    await store.pool().query(CHANNEL_TEST_LIMITS_DDL);
    expect((await store.pool().query(`SELECT 1 FROM pg_indexes WHERE schemaname = 'drover' AND indexname = 'alert_channel_test_at'`)).rowCount).toBe(1);
  });

  it('Test is rate-limited in the console store (shared by every replica): one per channel per 10 s, 20 per minute in all; a refusal is a 429 with Retry-After, audited, and sends nothing', async () => {
    expect([CHANNEL_TEST_EVERY_MS, CHANNEL_TESTS_PER_MINUTE]).toEqual([10_000, 20]);
    const hooks: PublicChannel[] = [];
    for (let i = 0; i <= CHANNEL_TESTS_PER_MINUTE; i++) hooks.push(await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: `t${i}`, config: { url: `${peer.url}/t/${i}`, format: 'json' } })));
    expect(await testChannel(admin, { id: hooks[0].id })).toMatchObject({ ok: true });
    // The same channel again (a double click, a stuck button, or another replica): refused before anything is sent.
    await expect(testChannel(admin, { id: hooks[0].id })).rejects.toMatchObject({
      status: 429,
      message: expect.stringMatching(/^Channel "t0" was tested \d s ago: a channel is tested at most once every 10 s\. Try again in \d+ s\.$/),
    });
    // A replica whose clock is an hour ahead is refused all the same: the limits count in the store's clock.
    await expect(testChannel(admin, { id: hooks[0].id }, Date.now() + 3_600_000)).rejects.toMatchObject({ status: 429, message: expect.stringContaining('Channel "t0" was tested ') });
    expect(requestsTo('/t/0')).toHaveLength(1);
    const refusal = (await listAudit(auditQuerySchema.parse({ limit: 5 }))).entries.find((e) => e.action === 'alertChannel.test');
    expect(refusal).toMatchObject({ outcome: 'denied' });
    expect(JSON.stringify(refusal)).toContain('at most once every 10 s');
    // Every channel counts toward 20 tests a minute: 1 so far, 19 more, then the 21st is refused until the first ages out.
    for (let i = 1; i <= CHANNEL_TESTS_PER_MINUTE - 1; i++) expect(await testChannel(admin, { id: hooks[i].id })).toMatchObject({ ok: true });
    const last = hooks[CHANNEL_TESTS_PER_MINUTE];
    await expect(testChannel(admin, { id: last.id })).rejects.toMatchObject({
      status: 429,
      message: expect.stringMatching(/^Too many channel tests: at most 20 a minute on this console \(all channels and replicas together\)\. Try again in [1-6]?\d s\.$/),
    });
    // Nor does a clock ahead empty the window (it once deleted every other replica's entries).
    await expect(testChannel(admin, { id: last.id }, Date.now() + 3_600_000)).rejects.toMatchObject({ status: 429, message: expect.stringContaining('Too many channel tests') });
    expect(requestsTo(`/t/${CHANNEL_TESTS_PER_MINUTE}`)).toHaveLength(0);
    expect(requestsTo('/t/')).toHaveLength(CHANNEL_TESTS_PER_MINUTE);
    // The periods run out in the store's clock (short ones here, waited for): the channel, then the window, take tests again.
    await forgetTestLimits();
    const reserve = (channelId: string) => alertChannelStore().reserveTest({ channelId, everyMs: 300, windowMs: 900, limit: 2, member: randomUUID() });
    expect(await reserve('a')).toEqual({ ok: true });
    expect(await reserve('a')).toMatchObject({ ok: false, reason: 'channel' });
    await waitFor(async () => (await reserve('a')).ok, { timeout: 5000, what: 'the period to run out' });
    expect(await reserve('b')).toMatchObject({ ok: false, reason: 'console' });
    await waitFor(async () => (await reserve('b')).ok, { timeout: 5000, what: 'the period to run out' });
    await forgetTestLimits();
    // Two clicks at once (two replicas, or two tabs): one test goes, the other is refused.
    const both = await Promise.allSettled([testChannel(admin, { id: hooks[20].id }), testChannel(admin, { id: hooks[20].id })]);
    expect(both.map((b) => b.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(both.find((b) => b.status === 'rejected')).toMatchObject({ reason: { status: 429 } });
    expect(requestsTo('/t/20')).toHaveLength(1);
  });
});

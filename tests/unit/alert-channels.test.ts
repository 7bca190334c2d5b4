// Pure pieces of paging channels: the link back, the PagerDuty / Opsgenie / email bodies (shape,
// truncation, a dedup key the same for trigger and resolve), config validation and masking.
import { describe, expect, it } from 'vitest';
import { alertLink, publicBaseUrl } from '@/lib/alerts/alert-link';
import { pagerdutyBody, PAGERDUTY_SUMMARY_MAX } from '@/lib/alerts/channels/pagerduty';
import { opsgenieRequest, OPSGENIE_MESSAGE_MAX } from '@/lib/alerts/channels/opsgenie';
import { alertMail } from '@/lib/alerts/channels/email';
import { channelInputSchema, channelSchema, toPublicChannel, type Channel } from '@/lib/alerts/channels/channel';
import { deliveryKey, episodeKey, retryDelayMs } from '@/lib/alerts/deliveries';
import { alertRuleInputSchema, alertRuleSchema, type AlertRule } from '@/lib/alerts/rule';
import type { NotificationEvent } from '@/lib/alerts/notify';

const env = { DROVER_PUBLIC_URL: 'https://ops.example.com/drover/' } as unknown as NodeJS.ProcessEnv;
const RULE: AlertRule = {
  id: '6f1c1c43-7d4c-4f61-9d0e-2b0f8c3a1a10', name: 'backlog', enabled: true, kind: 'waiting-depth', connection: 'main', queue: 'mail', threshold: 10, minutes: 2,
  cooldownMinutes: 0, webhookFormat: 'json', channelIds: [], createdAt: 0, createdBy: 'a', updatedAt: 0,
};
const now = Date.UTC(2026, 0, 2, 3, 4, 5);
const firing: NotificationEvent = { state: 'firing', connection: 'main', queue: 'mail', value: 12, at: now };
const meta = { id: '11111111-1111-4111-8111-111111111111', createdAt: 0, createdBy: 'a', updatedAt: 0 };
const pd = channelSchema.parse({ ...meta, type: 'pagerduty', name: 'pd', config: { routingKey: 'R0123456789abcdef0123456789abcde' } }) as Extract<Channel, { type: 'pagerduty' }>;
const og = channelSchema.parse({ ...meta, type: 'opsgenie', name: 'og', config: { apiKey: 'k-123' } }) as Extract<Channel, { type: 'opsgenie' }>;
const mail = channelSchema.parse({ ...meta, type: 'email', name: 'm', config: { to: ['a@example.com'] } }) as Extract<Channel, { type: 'email' }>;

describe('the link back', () => {
  it('uses DROVER_PUBLIC_URL, then NEXTAUTH_URL, then localhost:$PORT', () => {
    expect(publicBaseUrl(env)).toBe('https://ops.example.com/drover');
    expect(publicBaseUrl({ NEXTAUTH_URL: 'https://a.example.com' } as unknown as NodeJS.ProcessEnv)).toBe('https://a.example.com');
    expect(publicBaseUrl({ PORT: '4000' } as unknown as NodeJS.ProcessEnv)).toBe('http://localhost:4000');
  });
  it('points at the most exact page, names encoded', () => {
    expect(alertLink('waiting-depth', { connection: 'main', queue: 'a/b?c#d&e' }, env)).toBe('https://ops.example.com/drover/connections/main/queues/a%2Fb%3Fc%23d%26e');
    expect(alertLink('schedule-missed', { connection: 'main', queue: 'pay', target: 'main/pay/nightly run' }, env)).toBe('https://ops.example.com/drover/schedules?queue=main%2Fpay&id=nightly%20run');
    expect(alertLink('dlq-growth', { connection: 'main', queue: null }, env)).toBe('https://ops.example.com/drover/dlq/main');
    expect(alertLink('redis-unreachable', { connection: 'main', queue: null }, env)).toBe('https://ops.example.com/drover/');
  });
});

describe('bodies', () => {
  it('PagerDuty: trigger with the documented fields, resolve with only the key; the summary cut to 1,024', () => {
    const key = episodeKey(RULE.id, 'main/mail', now);
    const trigger = pagerdutyBody(pd, RULE, firing, key);
    expect(trigger).toMatchObject({ routing_key: pd.config.routingKey, event_action: 'trigger', dedup_key: key, payload: { severity: 'error', source: 'drover/main/mail', class: 'waiting-depth', timestamp: '2026-01-02T03:04:05.000Z' }, client: 'Drover' });
    expect(pagerdutyBody(pd, RULE, { ...firing, state: 'resolved' }, key)).toEqual({ routing_key: pd.config.routingKey, event_action: 'resolve', dedup_key: key });
    const long = pagerdutyBody(pd, { ...RULE, name: 'x'.repeat(2000) }, firing, key) as { payload: { summary: string } };
    expect(long.payload.summary).toHaveLength(PAGERDUTY_SUMMARY_MAX);
  });
  it('Opsgenie: create with the alias, close by the same alias (encoded); message cut to 130', () => {
    const key = episodeKey(RULE.id, 'main/mail', now);
    const create = opsgenieRequest(og, { ...RULE, name: 'y'.repeat(300) }, firing, key);
    expect(create.url).toBe('https://api.opsgenie.com/v2/alerts');
    expect((create.body.message as string).length).toBe(OPSGENIE_MESSAGE_MAX);
    expect(create.body).toMatchObject({ alias: key, priority: 'P3', source: 'Drover' });
    // A test goes at the lowest priority (P5), as a PagerDuty test at severity info.
    expect(opsgenieRequest(og, RULE, { ...firing, test: true }, key).body).toMatchObject({ priority: 'P5', details: { test: 'true' } });
    expect(pagerdutyBody(pd, RULE, { ...firing, test: true }, key)).toMatchObject({ payload: { severity: 'info' } });
    expect(opsgenieRequest(og, RULE, { ...firing, state: 'resolved' }, key).url).toBe(`https://api.opsgenie.com/v2/alerts/${encodeURIComponent(key)}/close?identifierType=alias`);
  });
  it('email: subject per state, threading headers on the resolve, the link in text and HTML (escaped)', () => {
    const key = episodeKey(RULE.id, 'main/mail', now);
    const m = alertMail(mail, { ...RULE, name: '<b>' }, firing, key, 'from@example.com');
    expect(m.subject).toBe('[FIRING] <b>: Waiting jobs in main/mail: 12 (threshold > 10 for 2 min)');
    expect(m.html).toContain('&lt;b&gt;');
    expect(m.text).toContain('/connections/main/queues/mail');
    const r = alertMail(mail, RULE, { ...firing, state: 'resolved' }, key, 'from@example.com');
    expect(r.references).toEqual([m.messageId]);
  });
});

describe('deliveries', () => {
  it('one key per rule, target, episode, state and channel; the dedup key is the same for trigger and resolve', () => {
    const d = { ruleId: RULE.id, target: 'main/mail', episode: now, state: 'firing' as const, channelId: 'c1' };
    expect(deliveryKey(d)).toBe(deliveryKey({ ...d }));
    expect(new Set([deliveryKey(d), deliveryKey({ ...d, state: 'resolved' }), deliveryKey({ ...d, channelId: 'c2' }), deliveryKey({ ...d, episode: now + 1 })]).size).toBe(4);
    expect(episodeKey(RULE.id, 'x'.repeat(5000), now).length).toBeLessThan(100);
    expect([1, 2, 3, 20].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 3_600_000]);
  });
});

describe('channel configs', () => {
  it('validate each type, and reads mask every secret', () => {
    expect(channelInputSchema.safeParse({ type: 'opsgenie', name: 'o', config: { apiKey: 'has space' } }).success).toBe(false);
    expect(channelInputSchema.safeParse({ type: 'webhook', name: 'w', config: { url: 'ftp://x' } }).success).toBe(false);
    expect(channelInputSchema.safeParse({ type: 'email', name: 'e', config: { to: ['not-an-address'] } }).success).toBe(false);
    const shown = JSON.stringify([toPublicChannel(pd, true), toPublicChannel(og, true), toPublicChannel(pd, false)]);
    expect(shown).not.toContain(pd.config.routingKey);
    expect(shown).not.toContain('k-123');
    expect(toPublicChannel(pd, false)).toEqual({ id: pd.id, name: 'pd', type: 'pagerduty' });
  });
  it('rules saved before channels (webhook only, no channelIds) still parse', () => {
    expect(alertRuleSchema.safeParse({ ...RULE, channelIds: undefined, webhookUrl: 'https://hooks.example.com/x' }).success).toBe(true);
    expect(alertRuleInputSchema.safeParse({ name: 'r', kind: 'waiting-depth', webhookUrl: 'https://hooks.example.com/x' }).success).toBe(true);
  });
});

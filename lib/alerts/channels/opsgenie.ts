// Opsgenie-compatible alert API v2: create an alert (POST {base}/v2/alerts, alias = the dedup key) when it
// fires, close it by alias when it resolves; authenticated by "Authorization: GenieKey <key>". 202 = accepted.
import 'server-only';
import { KIND_INFO, type AlertRule } from '../rule';
import { describeEvent, linkOf, notificationText, postWebhook, type DeliveryOutcome, type NotificationEvent } from '../notify';
import type { Channel } from './channel';
import { INSECURE_KEY_ENDPOINT_ERROR, isInsecureKeyEndpoint } from './endpoint-security';

type OpsgenieChannel = Extract<Channel, { type: 'opsgenie' }>;

/** Opsgenie's limits: message 130 characters, alias 512, description 15,000. */
export const OPSGENIE_MESSAGE_MAX = 130;
const DESCRIPTION_MAX = 15_000;

export function opsgenieRequest(channel: OpsgenieChannel, rule: AlertRule, e: NotificationEvent, dedupKey: string): { url: string; body: Record<string, unknown> } {
  const base = channel.config.baseUrl.replace(/\/+$/, '');
  const link = linkOf(rule, e);
  if (e.state === 'resolved') {
    return {
      url: `${base}/v2/alerts/${encodeURIComponent(dedupKey)}/close?identifierType=alias`,
      body: { source: 'Drover', note: notificationText(rule, e).slice(0, DESCRIPTION_MAX) },
    };
  }
  return {
    url: `${base}/v2/alerts`,
    body: {
      message: notificationText(rule, e).slice(0, OPSGENIE_MESSAGE_MAX),
      alias: dedupKey,
      description: `${describeEvent(rule, e)}\n\n${link}`.slice(0, DESCRIPTION_MAX),
      details: {
        rule: rule.name,
        kind: rule.kind,
        value: String(e.value ?? ''),
        threshold: KIND_INFO[rule.kind].threshold ? String(rule.threshold) : '',
        link,
        ...(e.test ? { test: 'true' } : {}),
      },
      entity: ['drover', e.connection, e.queue].filter(Boolean).join('/'),
      source: 'Drover',
      // A test at the lowest priority: it checks the path, it must not wake anyone.
      priority: e.test ? 'P5' : channel.config.priority,
      tags: ['drover', rule.kind, ...(e.connection ? [e.connection] : [])],
    },
  };
}

export async function sendOpsgenie(channel: OpsgenieChannel, rule: AlertRule, e: NotificationEvent, dedupKey: string): Promise<DeliveryOutcome> {
  if (isInsecureKeyEndpoint(channel.config.baseUrl)) return { ok: false, status: null, error: INSECURE_KEY_ENDPOINT_ERROR, durationMs: 0 };
  const { url, body } = opsgenieRequest(channel, rule, e, dedupKey);
  return postWebhook(url, body, { headers: { authorization: `GenieKey ${channel.config.apiKey}` } });
}

// PagerDuty Events API v2: a "trigger" when an alert fires and a "resolve" with the same dedup_key when
// it resolves (https://developer.pagerduty.com/docs/events-api-v2/overview). 202 = accepted.
import 'server-only';
import { KIND_INFO, type AlertRule } from '../rule';
import { describeEvent, linkOf, notificationText, postWebhook, type DeliveryOutcome, type NotificationEvent } from '../notify';
import type { Channel } from './channel';
import { INSECURE_KEY_ENDPOINT_ERROR, isInsecureKeyEndpoint } from './endpoint-security';

type PagerDutyChannel = Extract<Channel, { type: 'pagerduty' }>;

/** PagerDuty's limit on payload.summary. */
export const PAGERDUTY_SUMMARY_MAX = 1024;

export function pagerdutyBody(channel: PagerDutyChannel, rule: AlertRule, e: NotificationEvent, dedupKey: string): Record<string, unknown> {
  if (e.state === 'resolved') return { routing_key: channel.config.routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const link = linkOf(rule, e);
  return {
    routing_key: channel.config.routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: notificationText(rule, e).slice(0, PAGERDUTY_SUMMARY_MAX),
      source: ['drover', e.connection, e.queue].filter(Boolean).join('/'),
      // A test pages at the lowest severity: it checks the path, it must not wake anyone.
      severity: e.test ? 'info' : channel.config.severity,
      timestamp: new Date(e.at).toISOString(),
      ...(e.queue ? { component: e.queue } : {}),
      ...(e.connection ? { group: e.connection } : {}),
      class: rule.kind,
      custom_details: {
        rule: rule.name,
        condition: describeEvent(rule, e),
        value: e.value,
        threshold: KIND_INFO[rule.kind].threshold ? rule.threshold : null,
        ...(e.target ? { target: e.target } : {}),
        link,
        ...(e.test ? { test: true } : {}),
      },
    },
    links: [{ href: link, text: 'Open in Drover' }],
    client: 'Drover',
    client_url: link,
  };
}

export async function sendPagerduty(channel: PagerDutyChannel, rule: AlertRule, e: NotificationEvent, dedupKey: string): Promise<DeliveryOutcome> {
  if (isInsecureKeyEndpoint(channel.config.url)) return { ok: false, status: null, error: INSECURE_KEY_ENDPOINT_ERROR, durationMs: 0 };
  return postWebhook(channel.config.url, pagerdutyBody(channel, rule, e, dedupKey), { headers: {}, accept: (s) => s >= 200 && s < 300 }).then((o) => scrub(o, channel.config.routingKey));
}

/** The routing key never appears in an outcome (a receiver could echo it in an error). */
function scrub(o: DeliveryOutcome, secret: string): DeliveryOutcome {
  return o.error ? { ...o, error: o.error.split(secret).join('<routing key>') } : o;
}

// One notification to one channel: the channel type's body and transport. A rule's own webhook is
// the implicit channel RULE_WEBHOOK_CHANNEL.
import 'server-only';
import type { AlertRule } from '../rule';
import { notificationBody, postWebhook, type DeliveryOutcome, type NotificationEvent } from '../notify';
import type { Channel } from './channel';
import { sendPagerduty } from './pagerduty';
import { sendOpsgenie } from './opsgenie';
import { sendEmail } from './email';

/** The channel id of a rule's own webhook (rules saved before channels existed have only this one). */
export const RULE_WEBHOOK_CHANNEL = 'rule-webhook';

/** What a rule notifies: its webhook (as a channel) and the channels it names that still exist. */
export function channelsOfRule(rule: AlertRule, channels: Map<string, Channel>): Channel[] {
  const out: Channel[] = [];
  if (rule.webhookUrl) {
    out.push({ id: RULE_WEBHOOK_CHANNEL, name: 'rule webhook', type: 'webhook', config: { url: rule.webhookUrl, format: rule.webhookFormat }, createdAt: rule.createdAt, createdBy: rule.createdBy, updatedAt: rule.updatedAt });
  }
  for (const id of rule.channelIds ?? []) {
    const c = channels.get(id);
    if (c) out.push(c);
  }
  return out;
}

export function sendToChannel(channel: Channel, rule: AlertRule, e: NotificationEvent, dedupKey: string): Promise<DeliveryOutcome> {
  switch (channel.type) {
    case 'webhook':
      return postWebhook(channel.config.url, notificationBody(rule, e, channel.config.format));
    case 'email':
      return sendEmail(channel, rule, e, dedupKey);
    case 'pagerduty':
      return sendPagerduty(channel, rule, e, dedupKey);
    case 'opsgenie':
      return sendOpsgenie(channel, rule, e, dedupKey);
  }
}

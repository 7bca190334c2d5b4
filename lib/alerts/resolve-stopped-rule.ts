// A rule that stops watching its targets while they fire (disabled, or deleted): each firing target whose
// firing was announced gets its resolve now, once per channel (the delivery claims of lib/alerts/deliveries.ts,
// so a replica's round cannot send it twice), and its episode is closed. The evaluator drops a disabled or
// deleted rule's state, so otherwise the incident stayed open in PagerDuty or Opsgenie for good, and a
// rule enabled again had no resolve for it.
import 'server-only';
import type { AlertRule } from './rule';
import type { RuleState } from './evaluate-rule';
import { appendHistory, type AlertHistoryEntry } from './store';
import { closeEpisode, deliver, type DeliveryAttempt } from './deliveries';
import { channelEntry, eventOf, processHolder } from './evaluate-alerts';
import { notificationText } from './notify';
import { readChannels } from './channels/channel-store';
import { channelsOfRule } from './channels/send';

/** Deliveries sent at once (as an evaluation round). */
const SEND_BATCH = 50;

/**
 * Resolves the announced firing targets of `state` (the rule's state read before it stopped) on the
 * rule's channels: one try each (a failed one is recorded in the history, not retried: nothing watches
 * the rule any more). Returns how many targets were resolved.
 */
export async function resolveStoppedRule(rule: AlertRule, state: RuleState | undefined, why: 'disabled' | 'deleted', now = Date.now()): Promise<number> {
  const firing = Object.entries(state?.targets ?? {}).filter(([, t]) => t.state === 'firing');
  if (firing.length === 0) return 0;
  const announced = firing.filter(([, t]) => t.announced);
  const channels = announced.length ? channelsOfRule(rule, new Map((await readChannels()).map((c) => [c.id, c]))) : [];
  const holder = processHolder();
  const jobs = announced.flatMap(([target, t]) => channels.map((channel) => ({ target, t, channel })));
  const attempts: Array<{ target: string; attempt: DeliveryAttempt }> = [];
  for (let i = 0; i < jobs.length; i += SEND_BATCH) {
    attempts.push(
      ...(await Promise.all(
        jobs.slice(i, i + SEND_BATCH).map(async ({ target, t, channel }) => {
          const event = eventOf(rule, { type: 'resolved', target, connection: t.connection, queue: t.queue, value: t.value }, now);
          return { target, attempt: await deliver({ ruleId: rule.id, target, episode: t.since, state: 'resolved', channelId: channel.id }, channel, rule, event, holder, now) };
        }),
      )),
    );
  }
  const history: AlertHistoryEntry[] = [];
  for (const [target, t] of firing) {
    await closeEpisode(rule.id, target, t.since);
    const mine = attempts.filter((a) => a.target === target).map((a) => a.attempt);
    const failed = mine.filter((a) => a.outcome === 'failed');
    history.push({
      at: now,
      ruleId: rule.id,
      ruleName: rule.name,
      kind: rule.kind,
      type: 'resolved',
      target,
      connection: t.connection,
      queue: t.queue,
      value: t.value,
      notification: !t.announced
        ? { outcome: 'suppressed', reason: 'firing was not announced' }
        : mine.length === 0
          ? { outcome: 'failed', status: null, error: 'no channel to notify' }
          : failed.length
            ? { outcome: 'failed', status: null, error: failed.map((a) => `${a.channel.name}: ${a.error}`).join('; ') }
            : { outcome: 'sent', status: mine.find((a) => a.status !== null)?.status ?? null, error: null },
      ...(mine.length ? { channels: mine.map(channelEntry) } : {}),
      text: `${notificationText(rule, eventOf(rule, { type: 'resolved', target, connection: t.connection, queue: t.queue, value: t.value }, now))} (rule ${why}: no longer watched)`,
    });
  }
  await appendHistory(history);
  return firing.length;
}

// A rule that stops watching its targets while they fire (disabled, deleted, or changed in what it judges,
// which starts its state over from ok): each firing target whose
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
import { logger } from '@/lib/log';

/** Deliveries sent at once (as an evaluation round). */
const SEND_BATCH = 50;
/**
 * Resolves sent at most when one rule stops (they are sent inside the admin's request): two batches of
 * SEND_BATCH, so the request waits at most two channel deadlines (5 s a webhook, PagerDuty or Opsgenie
 * request; 20 s an email) — still every target of a rule on all its 11 channels up to 9 targets, or 100
 * targets on one channel. The targets beyond get a history entry saying their resolve was not sent.
 */
export const RESOLVE_IN_REQUEST_MAX = 100;

export type StopWhy = 'disabled' | 'deleted' | 'changed';
/** How many firing targets were resolved (or needed none: not announced), and how many were not sent (the bound). */
export type StoppedRuleResolve = { resolved: number; notSent: number };

const ENDING: Record<StopWhy, string> = { disabled: 'no longer watched', deleted: 'no longer watched', changed: 'its state starts over from ok' };

/**
 * Resolves the announced firing targets of `state` (the rule's state read before it stopped) on the
 * rule's channels: one try each (a failed one is recorded in the history, not retried: nothing watches
 * the rule any more). Returns how many targets were resolved.
 */
export async function resolveStoppedRule(rule: AlertRule, state: RuleState | undefined, why: StopWhy, now = Date.now()): Promise<StoppedRuleResolve> {
  const firing = Object.entries(state?.targets ?? {}).filter(([, t]) => t.state === 'firing');
  if (firing.length === 0) return { resolved: 0, notSent: 0 };
  const announced = firing.filter(([, t]) => t.announced);
  const channels = announced.length ? channelsOfRule(rule, new Map((await readChannels()).map((c) => [c.id, c]))) : [];
  const holder = processHolder();
  // Whole targets (all their channels) up to the bound; the rest are named in the history as not sent.
  const fits = channels.length ? Math.floor(RESOLVE_IN_REQUEST_MAX / channels.length) : announced.length;
  const unsent = new Set(announced.slice(fits).map(([target]) => target));
  const jobs = announced.slice(0, fits).flatMap(([target, t]) => channels.map((channel) => ({ target, t, channel })));
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
        : unsent.has(target)
          ? { outcome: 'failed', status: null, error: `resolve not sent: at most ${RESOLVE_IN_REQUEST_MAX} resolves are sent when a rule stops (README › Paging channels); resolve this incident by hand` }
          : mine.length === 0
          ? { outcome: 'failed', status: null, error: 'no channel to notify' }
          : failed.length
            ? { outcome: 'failed', status: null, error: failed.map((a) => `${a.channel.name}: ${a.error}`).join('; ') }
            : { outcome: 'sent', status: mine.find((a) => a.status !== null)?.status ?? null, error: null },
      ...(mine.length ? { channels: mine.map(channelEntry) } : {}),
      text: `${notificationText(rule, eventOf(rule, { type: 'resolved', target, connection: t.connection, queue: t.queue, value: t.value }, now))} (rule ${why}: ${ENDING[why]})`,
    });
  }
  await appendHistory(history);
  return { resolved: firing.length - unsent.size, notSent: unsent.size };
}

/**
 * resolveStoppedRule for a rule already removed or written: its failure (a store or channel error) is not
 * the failure of the delete or change, which happened. What went out, or why not, for the outcome's details.
 */
export async function resolveStoppedRuleDetails(rule: AlertRule, state: RuleState | undefined, why: StopWhy): Promise<Record<string, unknown>> {
  try {
    const { resolved, notSent } = await resolveStoppedRule(rule, state, why);
    return { ...(resolved ? { resolvedTargets: resolved } : {}), ...(notSent ? { resolveNotSent: notSent } : {}) };
  } catch (err) {
    logger.warn({ event: 'alert.stop_resolve_failed', rule: rule.id, why, err: (err as Error).message }, 'a stopped rule\'s open incidents could not all be resolved');
    return { resolveError: `the rule's open incidents could not all be resolved: ${(err as Error).message}` };
  }
}

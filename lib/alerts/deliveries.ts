// Exactly one "firing" and one "resolved" per channel, across console replicas: each notification to
// each channel is a delivery (rule, target, episode, state, channel) claimed in the console store before
// it is sent (lib/store/console/alert-channels.ts). A claim another console holds, or one already sent,
// is not sent again; a failed one is retried on later rounds with backoff, at most DELIVERY_MAX_TRIES times;
// a resolve goes to every channel of an announced target except one whose firing is known to have failed.
import 'server-only';
import { createHash } from 'node:crypto';
import { logger } from '@/lib/log';
import { getConsoleConnection } from '@/lib/redis/connections';
import { alertChannelStore, type DeliveryRecord } from '@/lib/store/console/alert-channels';
import type { AlertRule } from './rule';
import type { DeliveryOutcome, NotificationEvent } from './notify';
import type { Channel } from './channels/channel';
import { sendToChannel } from './channels/send';
import { sampleIntervalMs } from '@/lib/metrics/settings';

/** A 'sending' claim older than this is taken as abandoned (its console died mid-send) and may be taken again. */
export const DELIVERY_LEASE_MS = 120_000;
/** Tries of one delivery at most (the first and the retries). */
export const DELIVERY_MAX_TRIES = 10;
/** How long a delivery's record is kept (a resolve looks up its firing's). */
export const DELIVERY_KEEP_MS = 7 * 24 * 3600_000;
/** Backoff before retry n: 30 s, 1 min, 2 min, … at most 1 h. */
export function retryDelayMs(tries: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, tries - 1), 3600_000);
}

/** One notification to one channel. `episode`: when the target started firing (the same for its resolve). */
export type Delivery = { ruleId: string; target: string; episode: number; state: 'firing' | 'resolved'; channelId: string };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The store key of a delivery. */
export function deliveryKey(d: Delivery): string {
  return sha256(JSON.stringify([d.ruleId, d.target, d.episode, d.state, d.channelId]));
}

/** The key PagerDuty (dedup_key) and Opsgenie (alias) know an episode by: the same for its trigger and resolve. */
export function episodeKey(ruleId: string, target: string, episode: number): string {
  return `drover:${ruleId}:${sha256(target).slice(0, 12)}:${episode}`;
}

export type DeliveryAttempt = {
  delivery: Delivery;
  channel: Pick<Channel, 'id' | 'name' | 'type'>;
  /** sent / failed: this console tried; skipped: another console holds or sent it; suppressed: not to be sent */
  outcome: 'sent' | 'failed' | 'skipped' | 'suppressed';
  status: number | null;
  error: string | null;
  reason?: string;
  /** the try this was (1 = first) */
  tries?: number;
  /** nothing more to do for it (sent, given up, or someone else's) */
  done: boolean;
};

function isConsoleOutage(rule: AlertRule, e: NotificationEvent): boolean {
  if (rule.kind !== 'redis-unreachable') return false;
  try {
    return e.connection === getConsoleConnection().name;
  } catch {
    return false;
  }
}

/** Claims delivery `d` for `holder` and sends it when the claim is granted. */
export async function deliver(d: Delivery, channel: Channel, rule: AlertRule, e: NotificationEvent, holder: string, now: number): Promise<DeliveryAttempt> {
  const base = { delivery: d, channel: { id: channel.id, name: channel.name, type: channel.type } };
  const store = alertChannelStore();
  const key = deliveryKey(d);
  const dedup = episodeKey(d.ruleId, d.target, d.episode);
  let claim: DeliveryRecord | null;
  try {
    if (d.state === 'resolved') {
      // Only a firing known to have failed holds its resolve back. No record (expired after DELIVERY_KEEP_MS,
      // a flushed store, announced before channels existed, or sent unclaimed in the console store's own
      // outage) or one left 'sending' (its console killed after the receiver took it, or the outcome not
      // recorded in a store blip): the resolve goes — PagerDuty and Opsgenie ignore one for a key they never got.
      const firing = await store.delivery(deliveryKey({ ...d, state: 'firing' }));
      if (firing?.status === 'failed') return { ...base, outcome: 'suppressed', status: null, error: null, reason: 'its firing was not sent on this channel', done: true };
    }
    claim = await store.claimDelivery(key, { holder, now, leaseMs: DELIVERY_LEASE_MS, maxTries: DELIVERY_MAX_TRIES, keepMs: DELIVERY_KEEP_MS });
  } catch (err) {
    // The store cannot arbitrate: sending could page twice. The one exception is the outage of the
    // console store itself, which only a console that cannot reach it can report (README › Alerts).
    if (isConsoleOutage(rule, e) && d.state === 'firing') {
      const o = await sendToChannel(channel, rule, e, dedup);
      return { ...base, outcome: o.ok ? 'sent' : 'failed', status: o.status, error: o.error, reason: 'sent without a claim: the console store is unreachable', done: true };
    }
    logger.warn({ event: 'alert.delivery_unclaimed', rule: d.ruleId, channel: channel.id, err: (err as Error).message }, 'alert delivery not sent: the console store cannot claim it');
    return { ...base, outcome: 'failed', status: null, error: 'not sent: the console store is unreachable (it decides which console sends)', done: false };
  }
  if (!claim) {
    const rec = await store.delivery(key).catch(() => null);
    const reason = rec?.status === 'sent' ? 'already sent' : rec?.status === 'sending' ? 'another console is sending it' : rec && rec.tries >= DELIVERY_MAX_TRIES ? `given up after ${rec.tries} tries` : 'a retry is not due yet';
    const done = !rec || rec.status === 'sent' || rec.tries >= DELIVERY_MAX_TRIES;
    return { ...base, outcome: 'skipped', status: null, error: null, reason, done };
  }
  const outcome: DeliveryOutcome = await sendToChannel(channel, rule, e, dedup);
  const finished: DeliveryRecord = {
    status: outcome.ok ? 'sent' : 'failed',
    holder,
    tries: claim.tries,
    claimedUntil: claim.claimedUntil,
    retryAt: outcome.ok ? 0 : now + retryDelayMs(claim.tries),
    error: outcome.error,
  };
  await store.finishDelivery(key, finished, DELIVERY_KEEP_MS).catch((err) => logger.warn({ event: 'alert.delivery_unrecorded', rule: d.ruleId, channel: channel.id, err: (err as Error).message }, 'alert delivery outcome not recorded'));
  if (!outcome.ok) logger.warn({ event: 'alert.delivery_failed', rule: d.ruleId, channel: channel.id, type: channel.type, tries: claim.tries, status: outcome.status, error: outcome.error }, 'alert delivery failed');
  return { ...base, outcome: outcome.ok ? 'sent' : 'failed', status: outcome.status, error: outcome.error, tries: claim.tries, done: outcome.ok || claim.tries >= DELIVERY_MAX_TRIES };
}

/**
 * How far apart two consoles' starts of one episode may be (each names it by its own `now`, one sample
 * interval apart at most, or a lease when one took over): twice the sampler's default lease.
 */
export function episodeAdoptWindowMs(): number {
  return 2 * Math.max(3 * sampleIntervalMs(), 5000);
}

const episodeStoreKey = (ruleId: string, target: string) => sha256(JSON.stringify([ruleId, target]));

/**
 * The episode every console uses for a target that started firing: the first one stored wins (two consoles
 * that both saw it start, at their own `now`, then name it alike) — only when it is that close: an older
 * stored one that was never closed does not swallow a new incident. The proposed one when the store cannot tell.
 */
export async function adoptEpisode(ruleId: string, target: string, proposed: number): Promise<number> {
  try {
    return await alertChannelStore().adoptEpisode(episodeStoreKey(ruleId, target), proposed, DELIVERY_KEEP_MS, episodeAdoptWindowMs());
  } catch {
    return proposed;
  }
}

/** The target resolved: its next firing is a new episode. */
export async function closeEpisode(ruleId: string, target: string, episode: number): Promise<void> {
  await alertChannelStore().closeEpisode(episodeStoreKey(ruleId, target), episode).catch(() => undefined);
}

// Paging channels (lib/alerts/channels) and the delivery claims that make each notification go out once
// per channel across console replicas (lib/alerts/deliveries.ts), as stored records.
// Redis: a hash of channels and one string per delivery (SET … PX, changed by Lua); PostgreSQL: tables
// drover.alert_channel and drover.alert_delivery (migration 8). And the Test button's limits (Redis: a
// string per channel and a zset; PostgreSQL: drover.alert_channel_test, migration 13).
import 'server-only';
import { consolePart } from './part';
import { RedisAlertChannelStore } from '@/lib/store/redis/console/alert-channels';
import { PostgresAlertChannelStore } from '@/lib/store/postgres/console/alert-channels';

/** One notification to one channel: who is sending it, how often it was tried, and how it ended. */
export type DeliveryRecord = {
  status: 'sending' | 'sent' | 'failed';
  /** the console instance that claimed it last */
  holder: string;
  tries: number;
  /** a 'sending' claim older than this is taken as abandoned (its holder died) */
  claimedUntil: number;
  /** a failed delivery may be claimed again from then on */
  retryAt: number;
  error: string | null;
};

export type DeliveryClaim = { holder: string; now: number; leaseMs: number; maxTries: number; keepMs: number };

/**
 * A channel Test asking for its place: one per channel per `everyMs`, `limit` per `windowMs` for all channels.
 * No time in it: the store counts in its own clock (Redis TIME, PostgreSQL clock_timestamp()), the one
 * clock every replica shares, so a replica whose clock is ahead cannot pass the limits or empty the window.
 */
/** `pool`: whose console-wide window the test counts in (channel Tests and rule Tests are counted apart); `channelId` the per-item key (a rule's: "rule:<id>:<admin>"). */
export type TestReservation = { channelId: string; everyMs: number; windowMs: number; limit: number; member: string; pool?: 'channels' | 'rules' };
/** `agoMs`: since the channel's last test; `waitMs`: until a test is taken again (both in the store's clock). */
export type TestReserved = { ok: true } | { ok: false; reason: 'channel'; waitMs: number; agoMs: number } | { ok: false; reason: 'console'; waitMs: number };

export interface AlertChannelStore {
  /** Every channel's JSON (in no order). */
  channels(): Promise<string[]>;
  channel(id: string): Promise<string | null>;
  /** Saves a channel; false (nothing written) when it is new and `max` channels exist already. */
  saveChannel(id: string, json: string, max: number): Promise<boolean>;
  removeChannel(id: string): Promise<boolean>;
  /**
   * Takes delivery `key` for `claim.holder`, atomically, when nobody holds it: no record (or an expired
   * one), a failed one whose retry is due, or a 'sending' one whose holder stopped — each only while
   * tries < maxTries. The record after the claim, or null when refused.
   */
  claimDelivery(key: string, claim: DeliveryClaim): Promise<DeliveryRecord | null>;
  /** Records the outcome when `record.holder` still holds the claim; whether it did. Kept `keepMs`. */
  finishDelivery(key: string, record: DeliveryRecord, keepMs: number): Promise<boolean>;
  delivery(key: string): Promise<DeliveryRecord | null>;
  /**
   * The episode of a firing target, the same for every console: stores `episode` under `key` unless one
   * within `windowMs` of it is stored already, and answers the stored one (kept `keepMs`). A stored one
   * further away is an earlier episode never closed (a failed close, a rule disabled while firing): replaced.
   */
  adoptEpisode(key: string, episode: number, keepMs: number, windowMs: number): Promise<number>;
  /** Forgets the episode of `key` when it is still `episode` (the target resolved). */
  closeEpisode(key: string, episode: number): Promise<void>;
  /**
   * Atomically (across console replicas), at the store's own time: refuses when the channel was tested less
   * than `everyMs` ago, or when `limit` tests of any channel were taken in the last `windowMs`; else records this one.
   */
  reserveTest(r: TestReservation): Promise<TestReserved>;
}

export const alertChannelStore = consolePart<AlertChannelStore>({
  redis: (conn) => new RedisAlertChannelStore(conn),
  postgres: (conn) => new PostgresAlertChannelStore(conn.drover),
});

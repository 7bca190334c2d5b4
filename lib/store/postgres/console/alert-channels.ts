// Paging channels and delivery claims in tables drover.alert_channel and drover.alert_delivery: a claim is
// one INSERT … ON CONFLICT DO UPDATE … WHERE (the row's lock decides between two replicas); expired
// deliveries are deleted in bounded batches as new ones finish.
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import type { AlertChannelStore, DeliveryClaim, DeliveryRecord, TestReservation, TestReserved } from '@/lib/store/console/alert-channels';

/** Channels read at most (the console keeps at most MAX_CHANNELS): a bound on one read all the same. */
const CHANNELS_READ_MAX = 1000;
/** Expired delivery rows deleted per finish at most. */
const EXPIRED_DELETE_BATCH = 100;

const SQL = {
  CHANNELS: `SELECT record FROM drover.alert_channel ORDER BY id LIMIT $1`,
  CHANNEL: `SELECT record FROM drover.alert_channel WHERE id = $1`,
  SAVE_CHANNEL: `
INSERT INTO drover.alert_channel (id, record)
SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM drover.alert_channel WHERE id = $1) OR (SELECT count(*) FROM drover.alert_channel) < $3
ON CONFLICT (id) DO UPDATE SET record = excluded.record`,
  DELETE_CHANNEL: `DELETE FROM drover.alert_channel WHERE id = $1`,
  CLAIM: `
INSERT INTO drover.alert_delivery AS d (key, status, holder, tries, claimed_until, retry_at, error, expires_at)
VALUES ($1, 'sending', $2, 1, $3::bigint + $4::bigint, 0, NULL, $3::bigint + $6::bigint)
ON CONFLICT (key) DO UPDATE SET status = 'sending', holder = excluded.holder,
  tries = CASE WHEN d.expires_at <= $3::bigint THEN 1 ELSE d.tries + 1 END,
  claimed_until = excluded.claimed_until, retry_at = 0, error = NULL, expires_at = excluded.expires_at
WHERE d.expires_at <= $3::bigint
   OR (d.tries < $5 AND ((d.status = 'failed' AND d.retry_at <= $3::bigint) OR (d.status = 'sending' AND d.claimed_until < $3::bigint)))
RETURNING status, holder, tries, claimed_until, retry_at, error`,
  FINISH: `
UPDATE drover.alert_delivery SET status = $3, tries = $4, claimed_until = $5, retry_at = $6, error = $7, expires_at = $8
WHERE key = $1 AND holder = $2`,
  DELETE_EXPIRED: `
DELETE FROM drover.alert_delivery WHERE key IN (
  SELECT key FROM drover.alert_delivery WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`,
  // Always an update on conflict (not DO NOTHING or a WHERE): the row is then locked and its latest
  // committed episode returned, also to a statement that waited for another console's insert.
  ADOPT_EPISODE: `
INSERT INTO drover.alert_episode AS e (key, episode, expires_at) VALUES ($1, $2, $3::bigint + $4::bigint)
ON CONFLICT (key) DO UPDATE SET
  episode = CASE WHEN e.expires_at <= $3::bigint OR abs(e.episode - excluded.episode) > $5::bigint THEN excluded.episode ELSE e.episode END,
  expires_at = CASE WHEN e.expires_at <= $3::bigint OR abs(e.episode - excluded.episode) > $5::bigint THEN excluded.expires_at ELSE e.expires_at END
RETURNING episode`,
  CLOSE_EPISODE: `DELETE FROM drover.alert_episode WHERE key = $1 AND episode = $2`,
  DELETE_EXPIRED_EPISODES: `
DELETE FROM drover.alert_episode WHERE key IN (
  SELECT key FROM drover.alert_episode WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`,
  // The store's time in ms, read under the lock: the one clock every replica shares.
  TEST_NOW: `SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS now`,
  // The channel's last test and the window's count and oldest counted test (within the limit), in one read.
  TEST_WINDOW: `
SELECT (SELECT max(at) FROM drover.alert_channel_test WHERE channel_id = $1 AND at > $2::bigint - $3::bigint)::text AS last_at,
       (SELECT at FROM drover.alert_channel_test WHERE at > $2::bigint - $4::bigint AND (channel_id LIKE 'rule:%') = $6 ORDER BY at DESC OFFSET $5 - 1 LIMIT 1)::text AS full_at`,
  // Tests older than the longer of the two periods are of no use: the table holds at most a window's worth.
  TEST_PRUNE: `DELETE FROM drover.alert_channel_test WHERE at <= $1::bigint - greatest($2::bigint, $3::bigint)`,
  TEST_ADD: `INSERT INTO drover.alert_channel_test (member, channel_id, at) VALUES ($1, $2, $3)`,
  DELIVERY: `SELECT status, holder, tries, claimed_until, retry_at, error FROM drover.alert_delivery WHERE key = $1 AND expires_at > $2`,
};

type Row = { status: DeliveryRecord['status']; holder: string; tries: number; claimed_until: string; retry_at: string; error: string | null };

function recordOf(row: Row | undefined): DeliveryRecord | null {
  if (!row) return null;
  return { status: row.status, holder: row.holder, tries: Number(row.tries), claimedUntil: Number(row.claimed_until), retryAt: Number(row.retry_at), error: row.error };
}

export class PostgresAlertChannelStore implements AlertChannelStore {
  constructor(private readonly db: DroverDb) {}

  async channels(): Promise<string[]> {
    return (await this.db.rows<{ record: string }>(SQL.CHANNELS, [CHANNELS_READ_MAX])).map((r) => r.record);
  }

  async channel(id: string): Promise<string | null> {
    return (await this.db.rows<{ record: string }>(SQL.CHANNEL, [id]))[0]?.record ?? null;
  }

  async saveChannel(id: string, json: string, max: number): Promise<boolean> {
    // The count is of this statement's snapshot: two creates at once would both see room. One advisory
    // lock for every save makes count-and-insert one step across replicas (saves are rare and short).
    return this.db.tx(async (query) => ((await query(SQL.SAVE_CHANNEL, [id, json, max])).rowCount ?? 0) === 1, ['drover.alert_channel']);
  }

  removeChannel(id: string): Promise<boolean> {
    return this.db.tx(async (query) => ((await query(SQL.DELETE_CHANNEL, [id])).rowCount ?? 0) === 1);
  }

  async claimDelivery(key: string, c: DeliveryClaim): Promise<DeliveryRecord | null> {
    return recordOf((await this.db.rows<Row>(SQL.CLAIM, [key, c.holder, c.now, c.leaseMs, c.maxTries, c.keepMs]))[0]);
  }

  async finishDelivery(key: string, r: DeliveryRecord, keepMs: number): Promise<boolean> {
    const now = Date.now();
    return this.db.tx(async (query) => {
      const done = ((await query(SQL.FINISH, [key, r.holder, r.status, r.tries, r.claimedUntil, r.retryAt, r.error, now + keepMs])).rowCount ?? 0) === 1;
      await query(SQL.DELETE_EXPIRED, [now, EXPIRED_DELETE_BATCH]);
      return done;
    });
  }

  async delivery(key: string): Promise<DeliveryRecord | null> {
    return recordOf((await this.db.rows<Row>(SQL.DELIVERY, [key, Date.now()]))[0]);
  }

  async adoptEpisode(key: string, episode: number, keepMs: number, windowMs: number): Promise<number> {
    const rows = await this.db.rows<{ episode: string }>(SQL.ADOPT_EPISODE, [key, episode, Date.now(), keepMs, windowMs]);
    return rows.length ? Number(rows[0].episode) : episode;
  }

  async closeEpisode(key: string, episode: number): Promise<void> {
    await this.db.tx(async (query) => {
      await query(SQL.CLOSE_EPISODE, [key, episode]);
      await query(SQL.DELETE_EXPIRED_EPISODES, [Date.now(), EXPIRED_DELETE_BATCH]);
    });
  }

  reserveTest(r: TestReservation): Promise<TestReserved> {
    // One lock for every test of this console: the per-channel and the console-wide checks and the insert
    // are one step, as the Redis script is (tests are rare; the lock is held for four short statements), at the
    // database's clock (clock_timestamp(), read under the lock), never the replica's.
    return this.db.tx(
      async (query) => {
        const now = Number((await query<{ now: string }>(SQL.TEST_NOW)).rows[0].now);
        await query(SQL.TEST_PRUNE, [now, r.everyMs, r.windowMs]);
        const row = (await query<{ last_at: string | null; full_at: string | null }>(SQL.TEST_WINDOW, [r.channelId, now, r.everyMs, r.windowMs, r.limit, r.pool === 'rules'])).rows[0];
        if (row.last_at !== null) return { ok: false as const, reason: 'channel' as const, waitMs: Number(row.last_at) + r.everyMs - now, agoMs: now - Number(row.last_at) };
        if (row.full_at !== null) return { ok: false as const, reason: 'console' as const, waitMs: Number(row.full_at) + r.windowMs - now };
        await query(SQL.TEST_ADD, [r.member, r.channelId, now]);
        return { ok: true as const };
      },
      ['drover.alert_channel_test'],
    );
  }
}

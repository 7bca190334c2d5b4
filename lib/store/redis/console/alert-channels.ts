// Paging channels and delivery claims on the console Redis: one hash of channels (saved under the cap by Lua), one string per delivery
// (SET PX, claimed and finished by Lua so two replicas never both take one).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { claimDeliveryScript } from '@/lib/alerts/lua/claim-delivery-1';
import { finishDeliveryScript } from '@/lib/alerts/lua/finish-delivery-1';
import { adoptEpisodeScript } from '@/lib/alerts/lua/adopt-episode-1';
import { closeEpisodeScript } from '@/lib/alerts/lua/close-episode-1';
import { reserveChannelTestScript } from '@/lib/alerts/lua/reserve-channel-test-2';
import { saveChannelScript } from '@/lib/alerts/lua/save-channel-1';
import type { AlertChannelStore, DeliveryClaim, DeliveryRecord, TestReservation, TestReserved } from '@/lib/store/console/alert-channels';

function parseRecord(raw: string | null): DeliveryRecord | null {
  if (!raw) return null;
  const r = JSON.parse(raw) as DeliveryRecord;
  return { ...r, error: r.error ?? null };
}

export class RedisAlertChannelStore implements AlertChannelStore {
  constructor(private readonly conn: Connection) {}

  private get redis() {
    return withLuaScripts(this.conn.redis, [claimDeliveryScript, finishDeliveryScript, adoptEpisodeScript, closeEpisodeScript, reserveChannelTestScript, saveChannelScript]);
  }

  async channels(): Promise<string[]> {
    return Object.values(await this.redis.hgetall(KEYS.alertChannels));
  }

  channel(id: string): Promise<string | null> {
    return this.redis.hget(KEYS.alertChannels, id);
  }

  async saveChannel(id: string, json: string, max: number): Promise<boolean> {
    return (await this.redis.droverSaveChannel(KEYS.alertChannels, id, json, max)) === 1;
  }

  async removeChannel(id: string): Promise<boolean> {
    return (await this.redis.hdel(KEYS.alertChannels, id)) === 1;
  }

  async claimDelivery(key: string, c: DeliveryClaim): Promise<DeliveryRecord | null> {
    return parseRecord(await this.redis.droverClaimDelivery(KEYS.alertDelivery(key), c.holder, c.now, c.leaseMs, c.maxTries, c.keepMs));
  }

  async finishDelivery(key: string, record: DeliveryRecord, keepMs: number): Promise<boolean> {
    return (await this.redis.droverFinishDelivery(KEYS.alertDelivery(key), record.holder, JSON.stringify(record), keepMs)) === 1;
  }

  async delivery(key: string): Promise<DeliveryRecord | null> {
    return parseRecord(await this.redis.get(KEYS.alertDelivery(key)));
  }

  async adoptEpisode(key: string, episode: number, keepMs: number, windowMs: number): Promise<number> {
    return Number(await this.redis.droverAdoptEpisode(KEYS.alertEpisode(key), episode, keepMs, windowMs));
  }

  async closeEpisode(key: string, episode: number): Promise<void> {
    await this.redis.droverCloseEpisode(KEYS.alertEpisode(key), episode);
  }

  async reserveTest(r: TestReservation): Promise<TestReserved> {
    const [ok, reason, waitMs, agoMs] = (await this.redis.droverReserveChannelTest(KEYS.alertChannelTestLast(r.channelId), r.pool === 'rules' ? KEYS.alertRuleTests : KEYS.alertChannelTests, r.everyMs, r.windowMs, r.limit, r.member)).map(Number);
    if (ok === 1) return { ok: true };
    return reason === 1 ? { ok: false, reason: 'channel', waitMs, agoMs } : { ok: false, reason: 'console', waitMs };
  }
}

// Drover's per-connection records on Redis (lib/store/connection-records.ts): keys under the queues'
// prefix (lib/keys.ts), so on a cluster they share the queues' hash tag. Not server-only: the worker
// runtime writes them.
import type { Redis } from 'ioredis';
import { KEYS } from '@/lib/keys';
import { isCluster } from '@/lib/redis/create-client';
import { redisTime } from '@/lib/redis/redis-time';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { attemptBatchScript } from '@/lib/attempts/lua/attempt-batch-n';
import { workerSettingUpdateScript } from '@/lib/worker-control/lua/worker-setting-update-1';
import { BUSY_INDEX_TTL_MS, GONE_KEPT_MAX, GONE_KEPT_MS } from '@/lib/workers/busy-record';
import { CANCEL_ACK_TTL_SECONDS, type CancelAck, type CancelRequest } from '@/lib/cancellation/cancel-request';
import { CONTROL_ACK_TTL_SECONDS, WORKER_SETTINGS_MAX_QUEUES, type ControlAck, type ControlMessage, type WorkerSetting, type WorkerSettingChange } from '@/lib/worker-control/control-message';
import { RedisCircuitRecords } from './circuit-records';
import type { AttemptWrite, BusyBeats, CancelMessageHandler, CancelSubscription, ConnectionRecords } from '../connection-records';

/**
 * The runtime's cancel subscriber: a connection used for nothing else (it enters subscriber mode). On a
 * Redis Cluster, a connection to the master owning the channels' slot, used with sharded pub/sub.
 */
export type CancelSubscriberFactory = (firstChannel: string) => Promise<{ subscriber: Redis; sharded: boolean }>;

export class RedisConnectionRecords implements ConnectionRecords {
  private subscribers: Redis[] = [];

  readonly circuits: RedisCircuitRecords;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly subscriberFactory?: CancelSubscriberFactory,
  ) {
    this.circuits = new RedisCircuitRecords(redis, prefix);
  }

  async writeAttempts(batch: AttemptWrite[], cap: number, ttlMs: number): Promise<void> {
    if (batch.length === 0) return;
    const keys: string[] = [];
    const index = new Map<string, number>();
    let lines = '';
    for (const w of batch) {
      const key = KEYS.jobAttempts(this.prefix, w.queue, w.jobId);
      let i = index.get(key);
      if (i === undefined) {
        keys.push(key);
        i = keys.length;
        index.set(key, i);
      }
      lines += `${w.kind}${i}:${w.record}\n`;
    }
    await withLuaScripts(this.redis, [attemptBatchScript]).droverAttemptBatch(keys.length, ...keys, cap, ttlMs, lines);
  }

  async attemptLists(queue: string, jobIds: string[], count: number): Promise<Array<string[] | null>> {
    if (jobIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.lrange(KEYS.jobAttempts(this.prefix, queue, id), 0, count - 1);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, value]) => (err ? null : (value as string[])));
  }

  async publishCancel(queue: string, request: CancelRequest): Promise<number> {
    // On a cluster, sharded pub/sub: PUBLISH would count only the subscribers of the node it reached.
    const channel = KEYS.cancelChannel(this.prefix, queue);
    const payload = JSON.stringify(request);
    return Number(isCluster(this.redis) ? await this.redis.spublish(channel, payload) : await this.redis.publish(channel, payload));
  }

  cancelAcks(requestId: string, max: number): Promise<string[]> {
    return this.redis.lrange(KEYS.cancelAck(requestId), 0, max - 1);
  }

  async ackCancel(requestId: string, ack: CancelAck): Promise<void> {
    const key = KEYS.cancelAck(requestId);
    await this.redis.multi().rpush(key, JSON.stringify(ack)).expire(key, CANCEL_ACK_TTL_SECONDS).exec();
  }

  async listenForCancel(queues: string[], onMessage: CancelMessageHandler): Promise<CancelSubscription> {
    if (!this.subscriberFactory) throw new Error('These records were opened without a cancel subscriber (the console only sends requests)');
    const byChannel = new Map(queues.map((q) => [KEYS.cancelChannel(this.prefix, q), q]));
    const channels = [...byChannel.keys()];
    const { subscriber, sharded } = await this.subscriberFactory(channels[0] ?? KEYS.cancelChannel(this.prefix, 'none'));
    this.subscribers.push(subscriber);
    const handle = (channel: string, raw: string) => {
      const queue = byChannel.get(channel);
      if (!queue) return;
      onMessage(queue, raw);
    };
    const event = sharded ? 'smessage' : 'message';
    subscriber.on(event, handle);
    if (channels.length > 0) await (sharded ? subscriber.ssubscribe(...channels) : subscriber.subscribe(...channels));
    return {
      stop: async () => {
        subscriber.off(event, handle);
        if (channels.length > 0) await (sharded ? subscriber.sunsubscribe(...channels) : subscriber.unsubscribe(...channels)).catch(() => {});
      },
    };
  }

  async publishControl(message: ControlMessage): Promise<number> {
    const channel = KEYS.controlChannel(this.prefix);
    const payload = JSON.stringify(message);
    return Number(isCluster(this.redis) ? await this.redis.spublish(channel, payload) : await this.redis.publish(channel, payload));
  }

  controlAcks(requestId: string, max: number): Promise<string[]> {
    return this.redis.lrange(KEYS.controlAck(requestId), 0, max - 1);
  }

  async ackControl(requestId: string, ack: ControlAck): Promise<void> {
    const key = KEYS.controlAck(requestId);
    await this.redis.multi().rpush(key, JSON.stringify(ack)).expire(key, CONTROL_ACK_TTL_SECONDS).exec();
  }

  async listenForControl(onMessage: (raw: string) => void, onResubscribed?: () => void): Promise<CancelSubscription> {
    if (!this.subscriberFactory) throw new Error('These records were opened without a subscriber (the console only sends commands)');
    const channel = KEYS.controlChannel(this.prefix);
    // A connection of its own (in subscriber mode): the control channel is per prefix, the cancel
    // channels per queue; on a cluster both share the prefix's hash tag, so the same master owns them.
    const { subscriber, sharded } = await this.subscriberFactory(channel);
    this.subscribers.push(subscriber);
    const handle = (from: string, raw: string) => {
      if (from === channel) onMessage(raw);
    };
    const event = sharded ? 'smessage' : 'message';
    subscriber.on(event, handle);
    await (sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel));
    // After a reconnect ioredis subscribes again on 'ready'; a PING on the same connection answers after
    // that subscribe, so whoever re-reads the stored settings then misses nothing sent meanwhile.
    const resubscribed = () => {
      if (onResubscribed) subscriber.ping().then(onResubscribed, () => {});
    };
    subscriber.on('ready', resubscribed);
    return {
      stop: async () => {
        subscriber.off(event, handle);
        subscriber.off('ready', resubscribed);
        await (sharded ? subscriber.sunsubscribe(channel) : subscriber.unsubscribe(channel)).catch(() => {});
      },
    };
  }

  async workerSettings(queues: string[]): Promise<Map<string, string>> {
    if (queues.length === 0) return new Map();
    const values = await this.redis.hmget(KEYS.workerSettings(this.prefix), ...queues.flatMap((q) => [`${q}:concurrency`, `${q}:paused`]));
    const settings = new Map<string, string>();
    queues.forEach((q, i) => {
      const [concurrency, paused] = [values[2 * i], values[2 * i + 1]];
      const setting: WorkerSetting = {};
      if (concurrency !== null) setting.concurrency = Number(concurrency);
      if (paused !== null) setting.pausedLocally = true;
      if (Object.keys(setting).length > 0) settings.set(q, JSON.stringify(setting));
    });
    return settings;
  }

  async updateWorkerSetting(queue: string, change: WorkerSettingChange, maxQueues = WORKER_SETTINGS_MAX_QUEUES): Promise<boolean> {
    const field = (v: number | true | null | undefined) => (v === undefined ? '' : v === null ? '-' : v === true ? '1' : String(v));
    const written = await withLuaScripts(this.redis, [workerSettingUpdateScript]).droverWorkerSettingUpdate(
      KEYS.workerSettings(this.prefix),
      queue,
      field(change.concurrency),
      field(change.pausedLocally),
      maxQueues,
    );
    return written === 1;
  }

  async beatBusy(runtimeId: string, ttlMs: number, render: (now: number) => string): Promise<void> {
    // Index scores are in Redis's time, the same clock for every runtime and the console: a host whose
    // clock runs ahead neither prunes the others nor hides itself.
    const now = await redisTime(this.redis);
    const index = KEYS.busyIndex(this.prefix);
    const seen = KEYS.busySeen(this.prefix);
    const record = render(now);
    await this.redis
      .multi()
      .set(KEYS.busyRecord(this.prefix, runtimeId), record, 'PX', ttlMs)
      // The last beat, kept an hour for the Workers view's "gone" (a record that expired is gone).
      .set(KEYS.busyLast(this.prefix, runtimeId), record, 'PX', GONE_KEPT_MS)
      .zadd(seen, now, runtimeId)
      .zremrangebyscore(seen, '-inf', now - GONE_KEPT_MS)
      .zremrangebyrank(seen, 0, -(GONE_KEPT_MAX + 1))
      .pexpire(seen, GONE_KEPT_MS)
      .zadd(index, now + ttlMs, runtimeId)
      // Processes that stopped without a goodbye (their records expired already).
      .zremrangebyscore(index, '-inf', now)
      // The index is shared: its expiry is fixed and generous (each runtime's own ttl would let a fast
      // beater that stops take slower runtimes' entries with it). It only goes when no runtime beats.
      .pexpire(index, BUSY_INDEX_TTL_MS)
      .exec();
  }

  async removeBusy(runtimeId: string): Promise<void> {
    await this.redis
      .multi()
      .del(KEYS.busyRecord(this.prefix, runtimeId), KEYS.busyLast(this.prefix, runtimeId))
      .zrem(KEYS.busyIndex(this.prefix), runtimeId)
      .zrem(KEYS.busySeen(this.prefix), runtimeId)
      .exec();
  }

  async readGone(limit: number, maxBytes: number): Promise<string[]> {
    const now = await redisTime(this.redis);
    // Seen within the hour, most recent first; live ones (their index entry not expired) are not gone.
    const ids = await this.redis.zrevrangebyscore(KEYS.busySeen(this.prefix), '+inf', now - GONE_KEPT_MS, 'LIMIT', 0, GONE_KEPT_MAX);
    if (ids.length === 0) return [];
    const expiries = await this.redis.zmscore(KEYS.busyIndex(this.prefix), ...ids);
    const gone = ids.filter((_, i) => expiries[i] === null || Number(expiries[i]) <= now).slice(0, limit);
    if (gone.length === 0) return [];
    const keys = gone.map((id) => KEYS.busyLast(this.prefix, id));
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.strlen(key);
    const sizes = ((await pipeline.exec()) ?? []).map(([err, size]) => (err ? 0 : Number(size)));
    const readable = keys.filter((_, i) => sizes[i] > 0 && sizes[i] <= maxBytes);
    return readable.length > 0 ? (await this.redis.mget(...readable)).filter((v): v is string => v !== null) : [];
  }

  async readBusy(limit: number, maxBytes: number): Promise<BusyBeats> {
    const redis = this.redis;
    const index = KEYS.busyIndex(this.prefix);
    // The runtimes score the index in Redis's time: the console's own clock may be off.
    const now = await redisTime(redis);
    const [ids, total] = await Promise.all([redis.zrangebyscore(index, now, '+inf', 'LIMIT', 0, limit), redis.zcount(index, now, '+inf')]);
    if (ids.length === 0) return { values: [], total: 0, tooLarge: 0, gone: 0 };
    // Sizes first (one pipeline), then one MGET of the records small enough to parse: a record written
    // by something else than a Drover runtime does not make the console read megabytes. The records
    // share the index's hash tag (the prefix's) on a cluster.
    const keys = ids.map((id) => KEYS.busyRecord(this.prefix, id));
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.strlen(key);
    const sizes = ((await pipeline.exec()) ?? []).map(([err, size]) => (err ? 0 : Number(size)));
    let gone = sizes.filter((size) => size === 0).length;
    const tooLarge = sizes.filter((size) => size > maxBytes).length;
    const readable = keys.filter((_, i) => sizes[i] > 0 && sizes[i] <= maxBytes);
    const raw = readable.length > 0 ? await redis.mget(...readable) : [];
    const values: string[] = [];
    for (const value of raw) {
      if (value === null) gone += 1;
      else values.push(value);
    }
    return { values, total, tooLarge, gone };
  }

  async pausePeer(queue: string, peer: string, ms: number): Promise<void> {
    const until = Date.now() + ms;
    await this.redis.set(KEYS.peerPause(this.prefix, queue, peer), String(until), 'PX', Math.max(1, Math.round(ms)));
  }

  async peerPauseRemaining(queue: string, peer: string): Promise<number> {
    const ttl = await this.redis.pttl(KEYS.peerPause(this.prefix, queue, peer));
    return ttl > 0 ? ttl : 0;
  }

  pausedSchedule(queue: string, id: string): Promise<string | null> {
    return this.redis.hget(KEYS.pausedSchedulers(this.prefix), pausedField(queue, id));
  }

  async pausedScheduleIds(queue: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const values = await this.redis.hmget(KEYS.pausedSchedulers(this.prefix), ...ids.map((id) => pausedField(queue, id)));
    return new Set(ids.filter((_, i) => values[i] !== null));
  }

  async storePausedSchedule(queue: string, id: string, json: string): Promise<boolean> {
    return (await this.redis.hsetnx(KEYS.pausedSchedulers(this.prefix), pausedField(queue, id), json)) === 1;
  }

  async replacePausedSchedule(queue: string, id: string, json: string): Promise<void> {
    await this.redis.hset(KEYS.pausedSchedulers(this.prefix), pausedField(queue, id), json);
  }

  async removePausedSchedule(queue: string, id: string): Promise<boolean> {
    return (await this.redis.hdel(KEYS.pausedSchedulers(this.prefix), pausedField(queue, id))) === 1;
  }

  async listPausedSchedules(queue: string | undefined, max: number): Promise<Array<{ queue: string; json: string }>> {
    const key = KEYS.pausedSchedulers(this.prefix);
    const out: Array<{ queue: string; json: string }> = [];
    let cursor = '0';
    let read = 0;
    do {
      const [next, flat] = queue
        ? await this.redis.hscan(key, cursor, 'MATCH', `${queue.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}:*`, 'COUNT', 500)
        : await this.redis.hscan(key, cursor, 'COUNT', 500);
      cursor = next;
      for (let i = 0; i < flat.length; i += 2) {
        // Queue names never contain ":", so the first ":" splits the field back.
        const sep = flat[i].indexOf(':');
        out.push({ queue: flat[i].slice(0, sep), json: flat[i + 1] });
      }
      read += flat.length / 2;
    } while (cursor !== '0' && read < max);
    return out;
  }

  async close(): Promise<void> {
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers = [];
  }
}

function pausedField(queue: string, id: string): string {
  return `${queue}:${id}`;
}

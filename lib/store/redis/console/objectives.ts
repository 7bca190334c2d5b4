// Queue objectives on the console Redis: hash KEYS.objectives (scope → JSON) and KEYS.objectiveStatus.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import type { ObjectiveStore } from '@/lib/store/console/objectives';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { saveObjectivesScript } from '@/lib/objectives/lua/save-objectives-1';

/** Fields per HMGET of the status hash (an overview of many queues asks in several, pipelined). */
const STATUS_FIELDS_PER_CALL = 1000;

export class RedisObjectiveStore implements ObjectiveStore {
  constructor(private readonly conn: Connection) {}

  async all(): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.conn.redis.hgetall(KEYS.objectives)));
  }

  async get(scope: string): Promise<{ json: string | null; scopes: number }> {
    const [[, json], [, scopes]] = (await this.conn.redis.multi().hget(KEYS.objectives, scope).hlen(KEYS.objectives).exec()) as [[unknown, string | null], [unknown, number]];
    return { json, scopes };
  }

  async write(scope: string, json: string | null): Promise<boolean> {
    if (json === null) {
      const [[err, removed] = [new Error('no reply'), 0]] = ((await this.conn.redis.multi().hdel(KEYS.objectives, scope).hdel(KEYS.objectiveStatus, scope).exec()) ?? []) as Array<[Error | null, number]>;
      if (err) throw err;
      return Number(removed) > 0;
    }
    await this.conn.redis.hset(KEYS.objectives, scope, json);
    return true;
  }

  async saveWithin(scope: string, json: string, maxScopes: number): Promise<boolean> {
    return (await withLuaScripts(this.conn.redis, [saveObjectivesScript]).droverSaveObjectives(KEYS.objectives, scope, json, maxScopes)) === 1;
  }

  async statuses(): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.conn.redis.hgetall(KEYS.objectiveStatus)));
  }

  async statusesOf(scopes: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (scopes.length === 0) return out;
    // HMGETs of at most STATUS_FIELDS_PER_CALL fields, in one pipeline: no reply grows with the whole hash.
    const tx = this.conn.redis.pipeline();
    for (let i = 0; i < scopes.length; i += STATUS_FIELDS_PER_CALL) tx.hmget(KEYS.objectiveStatus, ...scopes.slice(i, i + STATUS_FIELDS_PER_CALL));
    const replies = (await tx.exec()) ?? [];
    replies.forEach(([err, values], chunk) => {
      if (err) throw err;
      (values as Array<string | null>).forEach((json, j) => {
        if (json !== null) out.set(scopes[chunk * STATUS_FIELDS_PER_CALL + j], json);
      });
    });
    return out;
  }

  async replaceStatuses(statuses: Map<string, string>): Promise<void> {
    // Bounded: one field per queue with objectives (≤ 1,000 stored plus the config file's).
    const stale = (await this.conn.redis.hkeys(KEYS.objectiveStatus)).filter((f) => !statuses.has(f));
    const tx = this.conn.redis.multi();
    if (stale.length) tx.hdel(KEYS.objectiveStatus, ...stale);
    if (statuses.size) tx.hset(KEYS.objectiveStatus, Object.fromEntries(statuses));
    await tx.exec();
  }
}

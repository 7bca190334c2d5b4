// API tokens on the console Redis: hashes digest → record, id → digest, name key → id, id → last use.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { createApiTokenScript } from '@/lib/auth/lua/create-api-token-3';
import { revokeApiTokenScript } from '@/lib/auth/lua/revoke-api-token-4';
import { apiTokenRecordSchema, tokenNameKey } from '@/lib/auth/api-token-record';
import type { ApiTokensStore, NewApiToken } from '@/lib/store/console/api-tokens';

export class RedisApiTokens implements ApiTokensStore {
  constructor(private readonly conn: Connection) {}

  async create(t: NewApiToken): Promise<string | null> {
    const client = withLuaScripts(this.conn.redis, [createApiTokenScript]);
    return client.droverCreateApiToken(KEYS.apiTokens, KEYS.apiTokenIds, KEYS.apiTokenNames, t.digest, t.id, t.nameKey, t.record, ...(await this.unindexedNames()));
  }

  /** (name key, id) pairs of tokens the name index lacks: tokens from before it existed. Usually none. */
  private async unindexedNames(): Promise<string[]> {
    const redis = this.conn.redis;
    const [records, names] = await Promise.all([redis.hvals(KEYS.apiTokens), redis.hgetall(KEYS.apiTokenNames)]);
    const indexed = new Set(Object.values(names));
    const pairs: string[] = [];
    for (const raw of records) {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        continue; // a damaged record must not stop every token creation; listing shows the rest
      }
      const parsed = apiTokenRecordSchema.safeParse(json);
      if (parsed.success && !indexed.has(parsed.data.id)) pairs.push(tokenNameKey(parsed.data.name), parsed.data.id);
    }
    return pairs;
  }

  byDigest(digest: string): Promise<string | null> {
    return this.conn.redis.hget(KEYS.apiTokens, digest);
  }

  async byId(id: string): Promise<string | null> {
    const digest = await this.conn.redis.hget(KEYS.apiTokenIds, id);
    return digest ? this.conn.redis.hget(KEYS.apiTokens, digest) : null;
  }

  async touch(id: string, at: number): Promise<void> {
    // Only for a token that still exists (a revoke between the two calls can leave one stray field,
    // a few bytes that the list ignores).
    if (await this.conn.redis.hexists(KEYS.apiTokenIds, id)) await this.conn.redis.hset(KEYS.apiTokenLastUsed, id, String(at));
  }

  async list(): Promise<{ records: string[]; lastUsed: Map<string, number> }> {
    const [all, used] = await Promise.all([this.conn.redis.hgetall(KEYS.apiTokens), this.conn.redis.hgetall(KEYS.apiTokenLastUsed)]);
    return { records: Object.values(all), lastUsed: new Map(Object.entries(used).map(([id, at]) => [id, Number(at)])) };
  }

  revoke(id: string, nameKey: string): Promise<string | null> {
    const client = withLuaScripts(this.conn.redis, [revokeApiTokenScript]);
    return client.droverRevokeApiToken(KEYS.apiTokens, KEYS.apiTokenIds, KEYS.apiTokenLastUsed, KEYS.apiTokenNames, id, nameKey);
  }
}

// Links out on the console Redis: one hash, scope → JSON array of templates.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import type { LinkStore } from '@/lib/store/console/links';

export class RedisLinkStore implements LinkStore {
  constructor(private readonly conn: Connection) {}

  async read(scopes: string[]): Promise<(string | null)[]> {
    if (scopes.length === 0) return [];
    return this.conn.redis.hmget(KEYS.linkTemplates, ...scopes);
  }

  async stored(scope: string): Promise<{ has: boolean; scopes: number }> {
    const [[, has], [, scopes]] = (await this.conn.redis.multi().hexists(KEYS.linkTemplates, scope).hlen(KEYS.linkTemplates).exec()) as [[unknown, number], [unknown, number]];
    return { has: has === 1, scopes };
  }

  async write(scope: string, json: string | null): Promise<void> {
    if (json === null) await this.conn.redis.hdel(KEYS.linkTemplates, scope);
    else await this.conn.redis.hset(KEYS.linkTemplates, scope, json);
  }
}

// Saved views on the console Redis: a hash id → JSON and one id set per bound (the shared views; each
// owner's private views), written together by one script. Reads are bounded by those sets' caps.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { saveViewScript } from '@/lib/views/lua/save-view-3';
import type { SaveViewOutcome, StoredView, ViewStore } from '@/lib/store/console/views';

const setOf = (v: Pick<StoredView, 'owner' | 'visibility'>) => (v.visibility === 'shared' ? KEYS.viewsShared : KEYS.viewsPrivate(v.owner));

export class RedisViewStore implements ViewStore {
  constructor(private readonly conn: Connection) {}

  view(id: string): Promise<string | null> {
    return this.conn.redis.hget(KEYS.views, id);
  }

  async visible(owner: string, _filter: { conn?: string; queue?: string }, limit: number): Promise<string[]> {
    const redis = this.conn.redis;
    const [shared, own] = await Promise.all([redis.smembers(KEYS.viewsShared), redis.smembers(KEYS.viewsPrivate(owner))]);
    const ids = [...own, ...shared].slice(0, limit);
    if (ids.length === 0) return [];
    return (await redis.hmget(KEYS.views, ...ids)).filter((json): json is string => json !== null);
  }

  async save(view: StoredView, expected: string | null, max: number): Promise<SaveViewOutcome> {
    const client = withLuaScripts(this.conn.redis, [saveViewScript]);
    let from = setOf(view);
    if (expected !== null) {
      // The set it is in now follows from the JSON read before (the script refuses if that changed).
      const before = JSON.parse(expected) as Pick<StoredView, 'owner' | 'visibility'>;
      from = setOf(before);
    }
    const outcome = await client.droverSaveView(KEYS.views, setOf(view), from, view.id, view.json, max, expected ?? '');
    return outcome === 1 ? 'saved' : outcome === 0 ? 'full' : 'changed';
  }

  async remove(view: Pick<StoredView, 'id' | 'owner'>): Promise<boolean> {
    const results = await this.conn.redis.multi().hdel(KEYS.views, view.id).srem(KEYS.viewsShared, view.id).srem(KEYS.viewsPrivate(view.owner), view.id).exec();
    return Number(results?.[0]?.[1] ?? 0) === 1;
  }
}

// Users on the console Redis: one hash (email → record JSON); a change that ends sessions is one MULTI.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { swapUserRecordScript } from '@/lib/auth/lua/swap-user-record-1';
import { keepOnlySessionScript } from '@/lib/auth/lua/keep-only-session-1';
import type { SessionsToEnd, UsersStore } from '@/lib/store/console/users';
import { revokeAllSessionsIn, revokeOtherSessionsIn } from './sessions';

export class RedisUsers implements UsersStore {
  constructor(private readonly conn: Connection) {}

  get(email: string): Promise<string | null> {
    return this.conn.redis.hget(KEYS.users, email);
  }

  async list(): Promise<string[]> {
    return Object.values(await this.conn.redis.hgetall(KEYS.users));
  }

  count(): Promise<number> {
    return this.conn.redis.hlen(KEYS.users);
  }

  async create(email: string, record: string): Promise<boolean> {
    return (await this.conn.redis.hsetnx(KEYS.users, email, record)) === 1;
  }

  async put(email: string, record: string, end: SessionsToEnd): Promise<number | undefined> {
    const multi = withLuaScripts(this.conn.redis, [keepOnlySessionScript]).multi().hset(KEYS.users, email, record);
    if ('none' in end) {
      await multi.exec();
      return undefined;
    }
    if ('all' in end) {
      await revokeAllSessionsIn(multi, email).exec();
      return undefined;
    }
    const results = await revokeOtherSessionsIn(multi, email, end.allBut).exec();
    const [err, ended] = results?.[1] ?? [new Error('the session change did not run')];
    if (err) throw err;
    return Number(ended);
  }

  async swap(email: string, expected: string, next: string): Promise<boolean> {
    return (await withLuaScripts(this.conn.redis, [swapUserRecordScript]).droverSwapUserRecord(KEYS.users, email, expected, next)) === 1;
  }

  async remove(email: string): Promise<boolean> {
    const results = await revokeAllSessionsIn(this.conn.redis.multi().hdel(KEYS.users, email), email).exec();
    return Boolean(results?.[0]?.[1]);
  }
}

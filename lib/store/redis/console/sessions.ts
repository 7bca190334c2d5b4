// Sessions on the console Redis: one zset per user (sid → expiry ms) that expires with its newest session.
import 'server-only';
import type { ChainableCommander } from 'ioredis';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { keepOnlySessionScript } from '@/lib/auth/lua/keep-only-session-1';
import type { SessionsStore } from '@/lib/store/console/sessions';

/** Adds "end every session of this user" to a MULTI that changes the user, so both happen together. */
export function revokeAllSessionsIn(multi: ChainableCommander, email: string): ChainableCommander {
  return multi.del(KEYS.userSessions(email));
}

/**
 * Adds "end every session of this user but `keepSid`" to a MULTI that changes the user. The MULTI must
 * come from a client that has the script: `withLuaScripts(client, [keepOnlySessionScript]).multi()`.
 */
export function revokeOtherSessionsIn(multi: ChainableCommander, email: string, keepSid: string | undefined): ChainableCommander {
  return multi.droverKeepOnlySession(KEYS.userSessions(email), keepSid ?? '');
}

export class RedisSessions implements SessionsStore {
  constructor(private readonly conn: Connection) {}

  async register(email: string, sid: string, expiresAt: number, now: number, keep: number): Promise<void> {
    const key = KEYS.userSessions(email);
    await this.conn.redis
      .multi()
      .zremrangebyscore(key, '-inf', now)
      .zadd(key, expiresAt, sid)
      // Every session lives as long: the lowest expiry is the oldest sign-in. Keep the newest ones.
      .zremrangebyrank(key, 0, -(keep + 1))
      .pexpire(key, expiresAt - now)
      .exec();
  }

  async isLive(email: string, sid: string, now: number): Promise<boolean> {
    const expires = await this.conn.redis.zscore(KEYS.userSessions(email), sid);
    return expires !== null && Number(expires) > now;
  }

  async revoke(email: string, sid: string): Promise<void> {
    await this.conn.redis.zrem(KEYS.userSessions(email), sid);
  }

  async revokeAll(email: string): Promise<void> {
    await this.conn.redis.del(KEYS.userSessions(email));
  }

  revokeOthers(email: string, keepSid: string | undefined): Promise<number> {
    return withLuaScripts(this.conn.redis, [keepOnlySessionScript]).droverKeepOnlySession(KEYS.userSessions(email), keepSid ?? '');
  }

  count(email: string, now: number): Promise<number> {
    return this.conn.redis.zcount(KEYS.userSessions(email), `(${now}`, '+inf');
  }
}

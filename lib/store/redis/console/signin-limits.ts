// Sign-in limits on the console Redis: one zset per window (member → time ms) that expires with the window.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { reserveSigninScript } from '@/lib/auth/lua/reserve-signin-n';
import type { SigninLimitsStore, SigninReserve, SigninWindow } from '@/lib/store/console/signin-limits';

function keyOf(w: SigninWindow): string {
  return w.scope === 'ip' ? KEYS.signinFailuresByIp(w.id) : KEYS.signinFailuresByAccount(w.id);
}

export class RedisSigninLimits implements SigninLimitsStore {
  constructor(private readonly conn: Connection) {}

  async reserve(r: SigninReserve): Promise<{ ok: true } | { ok: false; index: number; waitMs: number }> {
    const keys = r.windows.map(keyOf);
    const [ok, index, waitMs] = await withLuaScripts(this.conn.redis, [reserveSigninScript]).droverReserveSignin(keys.length, ...keys, r.now, r.windowMs, r.limit, r.member);
    if (ok === 1) return { ok: true };
    return { ok: false, index: Number(index) - 1, waitMs: Number(waitMs) };
  }

  async release(member: string, giveBack: SigninWindow[], clear: SigninWindow[]): Promise<void> {
    const multi = this.conn.redis.multi();
    for (const w of giveBack) multi.zrem(keyOf(w), member);
    for (const w of clear) multi.del(keyOf(w));
    await multi.exec();
  }
}

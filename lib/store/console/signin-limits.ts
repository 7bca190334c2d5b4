// Part "sign-in limits" of Drover's own data: sliding windows of sign-in failures (and attempts being
// checked) per client address and per account (lib/auth/signin-rate-limit.ts).
import 'server-only';
import { consolePart } from './part';
import { RedisSigninLimits } from '@/lib/store/redis/console/signin-limits';
import { PostgresSigninLimits } from '@/lib/store/postgres/console/signin-limits';

/** One window: an address (or IPv6 /64) or an account (email). */
export type SigninWindow = { scope: 'ip' | 'account'; id: string };

export type SigninReserve = { windows: SigninWindow[]; member: string; now: number; windowMs: number; limit: number };

export interface SigninLimitsStore {
  /**
   * Atomically: drops entries older than the window from each window; when any window already holds
   * `limit` entries, refuses with the index of the one that frees up last and how long until it does;
   * else adds `member` at `now` to every window.
   */
  reserve(r: SigninReserve): Promise<{ ok: true } | { ok: false; index: number; waitMs: number }>;
  /** Together: removes `member` from `giveBack`'s windows and empties `clear`'s windows. */
  release(member: string, giveBack: SigninWindow[], clear: SigninWindow[]): Promise<void>;
}

export const signinLimitsStore = consolePart<SigninLimitsStore>({ redis: (conn) => new RedisSigninLimits(conn), postgres: (conn) => new PostgresSigninLimits(conn) });

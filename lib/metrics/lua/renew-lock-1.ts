// The sampler's leader lock (lib/metrics/sampler.ts). KEYS[1] lock, ARGV[1] instance id, ARGV[2] ttl ms:
// extends the lock only if this instance holds it.
import type { Result } from 'ioredis';
import type { LuaScript } from '@/lib/redis/lua-scripts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverRenewLock(lockKey: string, instanceId: string, ttlMs: number): Result<number, Context>;
  }
}

export const renewLockScript: LuaScript = {
  name: 'droverRenewLock',
  numberOfKeys: 1,
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
};

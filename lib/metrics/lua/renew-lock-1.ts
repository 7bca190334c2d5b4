// The sampler's leader lock (lib/metrics/sampler.ts). KEYS[1] lock, ARGV[1] instance id, ARGV[2] ttl ms:
// extends the lock only if this instance holds it.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const renewLockScript: LuaScript = { name: 'droverRenewLock', numberOfKeys: 1, lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
` };

// The sampler's leader lock (lib/metrics/sampler.ts). KEYS[1] lock, ARGV[1] instance id: deletes the lock
// only if this instance holds it.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const releaseLockScript: LuaScript = { name: 'droverReleaseLock', numberOfKeys: 1, lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
` };

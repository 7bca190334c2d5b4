// Swaps a user's record (its password hash) only if nobody changed the user meanwhile (lib/auth/users.ts).
// KEYS[1] users hash, ARGV[1] email, ARGV[2] the record as read, ARGV[3] the new record: 1 when swapped.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const swapUserRecordScript: LuaScript = { name: 'droverSwapUserRecord', numberOfKeys: 1, lua: `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0
` };

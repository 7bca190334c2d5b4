// Ends every session of a user but one (lib/auth/sessions.ts): a password changed by its owner keeps the
// session that changed it.
// KEYS[1] the user's sessions zset (sid → expiry ms), ARGV[1] the session id to keep ('' keeps none).
// Returns how many sessions ended. The kept one keeps its expiry, and the key expires with it; a session
// that already ended is not brought back.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const keepOnlySessionScript: LuaScript = { name: 'droverKeepOnlySession', numberOfKeys: 1, lua: `
local total = redis.call('ZCARD', KEYS[1])
local expiry = ARGV[1] ~= '' and redis.call('ZSCORE', KEYS[1], ARGV[1]) or false
redis.call('DEL', KEYS[1])
if expiry then
  redis.call('ZADD', KEYS[1], expiry, ARGV[1])
  redis.call('PEXPIREAT', KEYS[1], expiry)
  return total - 1
end
return total
` };

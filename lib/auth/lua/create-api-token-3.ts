// Creates an API token unless a live token holds its name (lib/auth/api-tokens.ts): the check and the
// writes are one script, so two concurrent creations of one name cannot both succeed.
// KEYS[1] tokens hash (digest → record), KEYS[2] ids hash (id → digest), KEYS[3] names hash (name key → id).
// ARGV[1] digest, ARGV[2] id, ARGV[3] name key, ARGV[4] record JSON, then pairs (name key, id) of existing
// tokens the names hash may lack (made before it existed): each is added when its token is still live
// and no live token holds the name. An entry naming a revoked id is stale and is overwritten.
// Returns the id of the live token holding the name (nothing written), or false when created.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const createApiTokenScript: LuaScript = { name: 'droverCreateApiToken', numberOfKeys: 3, lua: `
local function holder(nameKey)
  local id = redis.call('HGET', KEYS[3], nameKey)
  if id and redis.call('HEXISTS', KEYS[2], id) == 1 then return id end
  return false
end
for i = 5, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i + 1]) == 1 and not holder(ARGV[i]) then
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  end
end
local taken = holder(ARGV[3])
if taken then return taken end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return false
` };

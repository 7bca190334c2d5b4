// Creates or replaces a saved view (lib/store/redis/console/views.ts): the compare with what the verb
// read, the bound of the set the view then belongs to, and the writes are one script, so two saves
// racing past a bound (or over one view) cannot both succeed.
// KEYS[1] views hash (id → JSON), KEYS[2] the id set the view belongs to after the save (shared, or its
// owner's private set), KEYS[3] the set it was in before (the same key when it does not move).
// ARGV[1] id, ARGV[2] JSON, ARGV[3] the bound of KEYS[2], ARGV[4] the JSON read before ('' to create).
// Returns 1 saved, 0 the bound is reached, -1 the view changed (or appeared, or went) meanwhile.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const saveViewScript: LuaScript = { name: 'droverSaveView', numberOfKeys: 3, lua: `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[4] == '' then
  if current then return -1 end
elseif current ~= ARGV[4] then
  return -1
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
if KEYS[3] ~= KEYS[2] then redis.call('SREM', KEYS[3], ARGV[1]) end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
` };

// One field, at most ARGV[2] bytes of it, with its full size.  KEYS[1] job key  ARGV[1] field
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const jobFieldScript: LuaScript = { name: 'droverJobField', numberOfKeys: 1, lua: `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then
  if redis.call('EXISTS', KEYS[1]) == 0 then return false end
  return {0, ''}
end
local limit = tonumber(ARGV[2])
if limit >= 0 and string.len(v) > limit then return {string.len(v), string.sub(v, 1, limit)} end
return {string.len(v), v}
` };

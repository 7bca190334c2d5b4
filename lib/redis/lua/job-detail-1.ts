// Every field of one job except data and return value (their sizes instead); long fields capped.
// KEYS[1] job key  ARGV[1] cap for stacktrace / failedReason / progress / opts
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const jobDetailScript: LuaScript = { name: 'droverJobDetail', numberOfKeys: 1, lua: `
local key = KEYS[1]
local r = redis.call
if r('EXISTS', key) == 0 then return false end
local cap = tonumber(ARGV[1])
local names = {'name', 'timestamp', 'processedOn', 'finishedOn', 'atm', 'ats', 'stc', 'progress', 'failedReason', 'delay', 'priority', 'opts', 'parentKey', 'parent', 'pb', 'rjk', 'deid', 'defa', 'stacktrace', 'attemptsMade'}
local values = r('HMGET', key, unpack(names))
local out = {}
for i = 1, #names do
  local v = values[i]
  if v and string.len(v) > cap then
    out[#out + 1] = {names[i], string.sub(v, 1, cap), string.len(v)}
  elseif v then
    out[#out + 1] = {names[i], v}
  end
end
out[#out + 1] = {'__dataSize', tostring(r('HSTRLEN', key, 'data'))}
out[#out + 1] = {'__returnvalueSize', tostring(r('HSTRLEN', key, 'returnvalue'))}
return out
` };

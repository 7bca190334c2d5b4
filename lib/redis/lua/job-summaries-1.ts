// Summary fields of a page of jobs, never their data or return value (only sizes), with long
// text fields cut in Redis so a list response stays small whatever the payloads.
// KEYS[1] queue key prefix  ARGV[1] max chars of text fields  ARGV[2..] job ids
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const jobSummariesScript: LuaScript = { name: 'droverJobSummaries', numberOfKeys: 1, lua: `
local p = KEYS[1]
local r = redis.call
local cap = tonumber(ARGV[1])
local out = {}
local function cut(v)
  if not v then return '' end
  if string.len(v) > cap then return string.sub(v, 1, cap) end
  return v
end
for i = 2, #ARGV do
  local id = ARGV[i]
  local key = p .. id
  local f = r('HMGET', key, 'name', 'timestamp', 'processedOn', 'finishedOn', 'atm', 'ats', 'progress', 'failedReason', 'delay', 'priority', 'parentKey', 'pb', 'stc', 'attemptsMade', 'opts')
  if f[1] == false and f[2] == false then
    out[#out + 1] = {id, 0}
  else
    out[#out + 1] = {
      id, 1, cut(f[1]), f[2] or '', f[3] or '', f[4] or '', f[5] or f[14] or '', f[6] or '',
      cut(f[7]), cut(f[8]), f[9] or '', f[10] or '', f[11] or '', f[12] or '', f[13] or '',
      r('HSTRLEN', key, 'data'), r('HSTRLEN', key, 'returnvalue'), cut(f[15]), string.len(f[8] or '')
    }
  end
end
return out
` };

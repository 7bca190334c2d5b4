// Read-only, for the schedules page: one queue costs one call, and a connection's queues go in one pipeline.
// One page of a queue's "repeat" zset (soonest first) with each entry's metadata fields; the
// template data only when it is at most ARGV[2] bytes (HSTRLEN first, never a large HGET).
// KEYS[1] queue prefix "<prefix>:<queue>:"  ARGV[1] max entries  ARGV[2] data cap in bytes
// → { total, { id, score, hashExists, name, ic, limit, startDate, endDate, tz, pattern, every, offset, opts, dataLen, data }… }
import 'server-only';
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const schedulersPageScript: LuaScript = { name: 'droverSchedulersPage', numberOfKeys: 1, lua: `
local r = redis.call
local repeatKey = KEYS[1] .. 'repeat'
local out = { r('ZCARD', repeatKey) }
local entries = r('ZRANGE', repeatKey, 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local cap = tonumber(ARGV[2])
for i = 1, #entries, 2 do
  local h = repeatKey .. ':' .. entries[i]
  local f = r('HMGET', h, 'name', 'ic', 'limit', 'startDate', 'endDate', 'tz', 'pattern', 'every', 'offset', 'opts')
  local row = { entries[i], entries[i + 1], r('EXISTS', h) }
  for j = 1, 10 do row[#row + 1] = f[j] or '' end
  local len = r('HSTRLEN', h, 'data')
  row[#row + 1] = len
  if len > 0 and len <= cap then row[#row + 1] = r('HGET', h, 'data') else row[#row + 1] = '' end
  out[#out + 1] = row
end
return out
` };

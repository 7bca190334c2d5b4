// The per-envelope part of a filtered walk: which of the given ids (a chunk of an index, walked by score
// in lib/dlq/filter.ts) match. Stops after a few ms (TIME), like lib/redis/lua/search-chunk-1.ts, or at
// max matches. Read-only; an id whose envelope is gone never matches.
// KEYS[1] the DLQ's index base (see dlq-capture-1.ts).
// ARGV: 1 dlq key prefix, 2 budget µs, 3 origin queue ('' any), 4 group id ('' any), 5 exact job name
// ('' any), 6 needle (lower case, '' none), 7 max matches, 8 n: how many origin queues follow (0: any
// origin; else only dead letters of these origins match: a caller's team scope), 9…8+n origins, then ids.
// Returns { ids looked at (a prefix of the given ones), matching ids }.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const dlqMatchScript: LuaScript = { name: 'droverDlqMatch', numberOfKeys: 1, lua: `
local r = redis.call
local dlq, budget = ARGV[1], tonumber(ARGV[2])
local queue, group, name, needle = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local maxMatches = tonumber(ARGV[7])
local nOrigins = tonumber(ARGV[8])
local origins = nil
if nOrigins > 0 then
  origins = {}
  for i = 9, 8 + nOrigins do origins[ARGV[i]] = true end
end
local t = r('TIME')
local started = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function has(v)
  return v and string.find(string.lower(v), needle, 1, true) ~= nil
end
-- Envelopes whose data is over 1 MB are matched on their other fields only; after reading a large
-- one the time budget is checked at once (see lib/redis/lua/search-chunk.ts).
local heavy = false
local function hasData(key)
  local len = r('HSTRLEN', key, 'data')
  if len > 65536 then heavy = true end
  if len == 0 or len > 1048576 then return false end
  return has(r('HGET', key, 'data'))
end
local matches = {}
local looked = 0
for i = 9 + nOrigins, #ARGV do
  local id = ARGV[i]
  looked = looked + 1
  local f = r('HMGET', dlq .. id, 'dq', 'dg', 'name', 'dj', 'failedReason')
  local ok = f[1] ~= false
  if ok and queue ~= '' and f[1] ~= queue then ok = false end
  if ok and origins and not origins[f[1]] then ok = false end
  if ok and group ~= '' and f[2] ~= group then ok = false end
  if ok and name ~= '' and f[3] ~= name then ok = false end
  if ok and needle ~= '' then
    ok = has(id) or has(f[3]) or has(f[4]) or has(f[5]) or hasData(dlq .. id)
  end
  if ok then
    matches[#matches + 1] = id
    if #matches >= maxMatches then return { looked, matches } end
  end
  if looked % 16 == 0 or heavy then
    heavy = false
    local now = r('TIME')
    if (tonumber(now[1]) * 1000000 + tonumber(now[2])) - started > budget then return { looked, matches } end
  end
end
return { looked, matches }
` };

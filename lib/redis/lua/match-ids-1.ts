// Of the given job ids, those whose job exists and matches the planned predicate (JOB_PREDICATE), in the
// given order. Stops after a few milliseconds of Redis time like search-chunk-1.ts (after one id at
// least); the caller goes on with the ids not looked at.
// KEYS[1] queue key prefix
// ARGV: 1 budget µs, 2 the plan (JSON), 3… ids.
// Returns { ids looked at (a prefix of the given ones), matching ids }.
import type { LuaScript } from '@/lib/redis/lua-scripts';
import { JOB_PREDICATE } from './includes/job-predicate';

export const matchIdsScript: LuaScript = { name: 'droverMatchIds', numberOfKeys: 1, lua: `${JOB_PREDICATE}
local p = KEYS[1]
local r = redis.call
local budget = tonumber(ARGV[1])
local P = compilePredicate(ARGV[2])
local t = r('TIME')
local started = tonumber(t[1]) * 1000000 + tonumber(t[2])
local matches = {}
local looked = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local key = p .. id
  looked = looked + 1
  if r('EXISTS', key) == 1 and P.matches(key, id) then matches[#matches + 1] = id end
  if looked % 16 == 0 or P.bytes > 65536 then
    P.bytes = 0
    local now = r('TIME')
    if (tonumber(now[1]) * 1000000 + tonumber(now[2])) - started > budget then break end
  end
end
return {looked, matches}
` };

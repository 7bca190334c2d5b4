// One bounded chunk of a walk through one state by a job query (lib/store/redis/redis-search.ts): walks
// the state's ids by rank from a position, evaluates the planned predicate on each (JOB_PREDICATE), and
// stops after a few milliseconds of Redis time (TIME checked every 16 jobs, and at once after 64 KB read),
// max jobs examined or max matches, returning the matches and where to go on. This keeps every call
// short however large the state is.
// On completed/failed a finished range (score range) narrows the walk to the ranks ZCOUNT gives it; the
// position stays an absolute rank (one before the window jumps to its start; the walk ends at its end)
// and jobs outside are not examined nor counted.
// KEYS[1] queue key prefix
// ARGV: 1 state key suffix, 2 'list'|'zset', 3 'desc'|'asc', 4 position (rank), 5 max jobs examined,
// 6 budget µs, 7 max matches, 8 the plan (JSON), 9 finished min score ('' open), 10 finished max ('' open).
// Returns { next position, jobs examined, the walk's end rank, matching ids }.
import type { LuaScript } from '@/lib/redis/lua-scripts';
import { JOB_PREDICATE } from './includes/job-predicate';

export const searchChunkScript: LuaScript = { name: 'droverSearchChunk', numberOfKeys: 1, lua: `${JOB_PREDICATE}
local p = KEYS[1]
local r = redis.call
local stateKey = p .. ARGV[1]
local kind = ARGV[2]
local desc = ARGV[3] == 'desc'
local pos = tonumber(ARGV[4])
local maxScan = tonumber(ARGV[5])
local budget = tonumber(ARGV[6])
local maxMatches = tonumber(ARGV[7])
local P = compilePredicate(ARGV[8])
local minScore, maxScore = ARGV[9], ARGV[10]
local t = r('TIME')
local started = tonumber(t[1]) * 1000000 + tonumber(t[2])
local total
if kind == 'list' then total = r('LLEN', stateKey) else total = r('ZCARD', stateKey) end
local first, last = 0, total
if kind == 'zset' and (minScore ~= '' or maxScore ~= '') then
  -- Ascending, the range is ranks [below, upTo): scores under min, then those up to max.
  local below, upTo = 0, total
  if minScore ~= '' then below = r('ZCOUNT', stateKey, '-inf', '(' .. minScore) end
  if maxScore ~= '' then upTo = r('ZCOUNT', stateKey, '-inf', maxScore) end
  if upTo < below then upTo = below end
  if desc then first, last = total - upTo, total - below else first, last = below, upTo end
end
if pos < first then pos = first end
local scanned = 0
local matches = {}
local step = 200
while scanned < maxScan and pos < last and #matches < maxMatches do
  local n = math.min(step, maxScan - scanned, last - pos)
  local ids
  if kind == 'list' then
    if desc then ids = r('LRANGE', stateKey, pos, pos + n - 1)
    else
      local got = r('LRANGE', stateKey, -(pos + n), -(pos + 1))
      ids = {}
      for i = #got, 1, -1 do ids[#ids + 1] = got[i] end
    end
  else
    if desc then ids = r('ZREVRANGE', stateKey, pos, pos + n - 1)
    else ids = r('ZRANGE', stateKey, pos, pos + n - 1) end
  end
  if #ids == 0 then break end
  for i = 1, #ids do
    scanned = scanned + 1
    pos = pos + 1
    if P.matches(p .. ids[i], ids[i]) then
      matches[#matches + 1] = ids[i]
      if #matches >= maxMatches then break end
    end
    if scanned % 16 == 0 or P.bytes > 65536 then
      P.bytes = 0
      local now = r('TIME')
      if (tonumber(now[1]) * 1000000 + tonumber(now[2])) - started > budget then
        return {pos, scanned, last, matches}
      end
    end
  end
end
return {pos, scanned, last, matches}
` };

// One bounded chunk of a queue search: walks ids of one state from an offset and stops after a
// few milliseconds (measured with TIME), returning matches and where to continue. This keeps
// every call short however large the state is.
// KEYS[1] queue key prefix
// ARGV: state key suffix, 'list'|'zset', 'desc'|'asc', offset, max ids, budget µs, field, needle (lower-case)
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const searchChunkScript: LuaScript = { name: 'droverSearchChunk', numberOfKeys: 1, lua: `
local p = KEYS[1]
local r = redis.call
local stateKey = p .. ARGV[1]
local kind = ARGV[2]
local desc = ARGV[3] == 'desc'
local offset = tonumber(ARGV[4])
local maxIds = tonumber(ARGV[5])
local budget = tonumber(ARGV[6])
local field = ARGV[7]
local needle = ARGV[8]
local maxMatches = tonumber(ARGV[9])
local t = r('TIME')
local started = tonumber(t[1]) * 1000000 + tonumber(t[2])
local scanned = 0
local matches = {}
local step = 200
local pos = offset
local total
if kind == 'list' then total = r('LLEN', stateKey) else total = r('ZCARD', stateKey) end
local function has(v)
  return v and string.find(string.lower(v), needle, 1, true) ~= nil
end
-- Fields over 1 MB are not searched (copying and lower-casing a 30 MB payload would hold Redis for
-- hundreds of ms); after any field over 64 KB the time budget is checked at once.
local MAX_FIELD = 1048576
local heavy = false
local function hasField(key, name)
  local len = r('HSTRLEN', key, name)
  if len == 0 then return false end
  if len > 65536 then heavy = true end
  if len > MAX_FIELD then return false end
  return has(r('HGET', key, name))
end
local function matchJob(id)
  local key = p .. id
  if field == 'name' then return hasField(key, 'name') end
  if field == 'name-exact' then return r('HGET', key, 'name') == ARGV[10] end
  if field == 'data' then return hasField(key, 'data') end
  if field == 'failedReason' then
    return hasField(key, 'failedReason') or hasField(key, 'stacktrace')
  end
  if field == 'returnvalue' then return hasField(key, 'returnvalue') end
  if field == 'logs' then
    -- The newest 1,000 lines at most.
    local lines = r('LRANGE', key .. ':logs', -1000, -1)
    for i = 1, #lines do if has(lines[i]) then return true end end
    return false
  end
  -- 'any': every text field
  return hasField(key, 'name') or hasField(key, 'data') or hasField(key, 'failedReason') or hasField(key, 'stacktrace') or hasField(key, 'returnvalue')
end
while scanned < maxIds and pos < total and #matches < maxMatches do
  local n = math.min(step, maxIds - scanned, total - pos)
  local ids
  if kind == 'list' then
    if desc then ids = r('LRANGE', stateKey, pos, pos + n - 1)
    else ids = r('LRANGE', stateKey, -(pos + n), -(pos + 1)) end
    if not desc then
      local rev = {}
      for i = #ids, 1, -1 do rev[#rev + 1] = ids[i] end
      ids = rev
    end
  else
    if desc then ids = r('ZREVRANGE', stateKey, pos, pos + n - 1)
    else ids = r('ZRANGE', stateKey, pos, pos + n - 1) end
  end
  if #ids == 0 then break end
  for i = 1, #ids do
    scanned = scanned + 1
    pos = pos + 1
    if matchJob(ids[i]) then
      matches[#matches + 1] = ids[i]
      if #matches >= maxMatches then break end
    end
    if scanned % 16 == 0 or heavy then
      heavy = false
      local now = r('TIME')
      if (tonumber(now[1]) * 1000000 + tonumber(now[2])) - started > budget then
        return {pos, scanned, total, matches}
      end
    end
  end
end
return {pos, scanned, total, matches}
` };

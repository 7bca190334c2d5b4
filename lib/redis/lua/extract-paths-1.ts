// The values at a few JSON paths of each of the given jobs' data or return value, as text (JSON_PATH's
// jsonText), for the job table's data columns: each root field decoded once per job, only the cut text sent
// back. A field over 1 MB is never read (no value), as in search. Stops after a few milliseconds of Redis
// time like match-ids-1.ts (after one id at least); the caller goes on with the ids not looked at.
// KEYS[1] queue key prefix
// ARGV: 1 budget µs, 2 bytes kept of each value at most, 3 the paths (JSON: [{ r: root, p: [segments] }]), 4… ids.
// Returns { ids looked at (a prefix of the given ones), per id looked at: per path its text or nil }.
import type { LuaScript } from '@/lib/redis/lua-scripts';
import { JSON_PATH } from './includes/json-path';

export const extractPathsScript: LuaScript = { name: 'droverExtractPaths', numberOfKeys: 1, lua: `${JSON_PATH}
local p = KEYS[1]
local r = redis.call
local budget = tonumber(ARGV[1])
local maxBytes = tonumber(ARGV[2])
local specs = cjson.decode(ARGV[3])
local MAX_FIELD = 1048576
local roots, segs, idxs = {}, {}, {}
for k = 1, #specs do
  roots[k] = specs[k].r
  segs[k] = specs[k].p
  local idx = {}
  for j = 1, #segs[k] do idx[j] = jsonIndexOf(segs[k][j]) end
  idxs[k] = idx
end
local t = r('TIME')
local started = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rows = {}
local looked, bytes = 0, 0
for i = 4, #ARGV do
  local key = p .. ARGV[i]
  -- Per root: { value } once decoded, false when absent, too big or not JSON.
  local dec, row = {}, {}
  for k = 1, #roots do
    local f = roots[k]
    local d = dec[f]
    if d == nil then
      d = false
      local len = r('HSTRLEN', key, f)
      if len > 0 and len <= MAX_FIELD then
        local s = r('HGET', key, f)
        bytes = bytes + 5 * len
        local ok, v = pcall(cjson.decode, s)
        if ok then d = { v } end
      end
      dec[f] = d
    end
    local text = false
    if d then
      local v = jsonAt(d[1], segs[k], idxs[k])
      if v ~= nil then
        local s = jsonText(v)
        if s then text = string.sub(s, 1, maxBytes) end
      end
    end
    row[k] = text
  end
  looked = looked + 1
  rows[looked] = row
  if looked % 16 == 0 or bytes > 65536 then
    bytes = 0
    local now = r('TIME')
    if (tonumber(now[1]) * 1000000 + tonumber(now[2])) - started > budget then break end
  end
end
return {looked, rows}
` };

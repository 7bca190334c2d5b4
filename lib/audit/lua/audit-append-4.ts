// The audit append, in one script so that aggregation and trimming are atomic (lib/audit/record-audit.ts).
// KEYS[1] audit stream, KEYS[2] aggregation key of this (actor, action, outcome), KEYS[3] hash entry id →
// "count first last" of aggregated entries, KEYS[4] zset entry id → entry ms (to forget trimmed ones).
// ARGV[1] entry JSON, ARGV[2] now (ms), ARGV[3] aggregation window (ms), ARGV[4] stream max length,
// ARGV[5] '1' to aggregate (every outcome but ok) or '0'.
// A call that changed nothing whose (actor, action, outcome) already has an entry in the window only bumps that entry's
// count and last-seen time: a flood of refused or failed calls costs one entry per window, not one per call.
// Returns { entry id, count }.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const auditAppendScript: LuaScript = { name: 'droverAuditAppend', numberOfKeys: 4, lua: `
local r = redis.call
local aggregate = ARGV[5] == '1'
if aggregate then
  local id = r('GET', KEYS[2])
  if id then
    local v = r('HGET', KEYS[3], id)
    -- Only into an entry the stream still holds (it may have been trimmed or deleted).
    if v and #r('XRANGE', KEYS[1], id, id) == 1 then
      local count, first = string.match(v, '^(%d+) (%d+)')
      count = tonumber(count) + 1
      r('HSET', KEYS[3], id, count .. ' ' .. first .. ' ' .. ARGV[2])
      return { id, count }
    end
  end
end
local id = r('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'e', ARGV[1])
if aggregate then
  r('SET', KEYS[2], id, 'PX', ARGV[3])
  r('HSET', KEYS[3], id, '1 ' .. ARGV[2] .. ' ' .. ARGV[2])
  r('ZADD', KEYS[4], tonumber(string.match(id, '^(%d+)')), id)
end
-- Counts of entries the stream has trimmed go too (at most 100 per call, so this stays short).
local oldest = r('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
if oldest then
  local gone = r('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. string.match(oldest[1], '^(%d+)'), 'LIMIT', 0, 100)
  if #gone > 0 then
    r('HDEL', KEYS[3], unpack(gone))
    r('ZREM', KEYS[4], unpack(gone))
  end
end
return { id, 1 }
` };

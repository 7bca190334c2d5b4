// Moves dead letters to the error group the current grouping rules give them (lib/dlq/regroup.ts),
// keeping every index consistent in one call: the old group loses them (and goes when empty), the new
// one gains them with their failure time. An id no longer indexed (requeued or purged meanwhile) or
// already in its group is left alone, so a re-run, or two consoles re-grouping at once, changes nothing.
// KEYS[1] the DLQ's index base (see dlq-capture-1.ts).
// The envelope's own group field (dg, read by rows, the detail and the export) moves with it.
// ARGV: 1 dlq key prefix, then quadruples (envelope id, group id, group pattern, sample reason). Returns how many moved.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const dlqRegroupScript: LuaScript = { name: 'droverDlqRegroup', numberOfKeys: 1, lua: `
local base = KEYS[1]
local r = redis.call
local dlq = ARGV[1]
local moved = 0
for i = 2, #ARGV, 4 do
  local id, gid = ARGV[i], ARGV[i + 1]
  local meta = r('HGET', base .. ':env', id)
  local score = r('ZSCORE', base .. ':all', id)
  if meta and score then
    local tab = string.find(meta, '\\t', 1, true)
    local old = string.sub(meta, 1, tab - 1)
    local q = string.sub(meta, tab + 1)
    if old ~= gid then
      local oldIds = base .. ':group:' .. old .. ':ids'
      r('ZREM', oldIds, id)
      local n = r('ZCARD', oldIds)
      if n == 0 then
        r('DEL', base .. ':group:' .. old)
        r('ZREM', base .. ':groups', old)
      else
        r('ZADD', base .. ':groups', n, old)
      end
      local newIds = base .. ':group:' .. gid .. ':ids'
      r('ZADD', newIds, score, id)
      r('ZADD', base .. ':groups', r('ZCARD', newIds), gid)
      r('HSETNX', base .. ':group:' .. gid, 'pattern', ARGV[i + 2])
      r('HSETNX', base .. ':group:' .. gid, 'sample', ARGV[i + 3])
      r('HSET', base .. ':env', id, gid .. '\\t' .. q)
      if r('EXISTS', dlq .. id) == 1 then r('HSET', dlq .. id, 'dg', gid) end
      moved = moved + 1
    end
  end
end
return moved
` };

// Changes some fields of one queue's worker setting (lib/store/redis/connection-records.ts) in one call,
// refusing a queue that has no setting yet once the connection holds `max` queues with one.
// KEYS: the settings hash (fields `<queue>:concurrency`, `<queue>:paused`). ARGV: queue, concurrency
// ("": unchanged, "-": removed), paused ("": unchanged, "-": removed, "1": set), max.
// Returns 1 when written, 0 when refused (nothing written).
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const workerSettingUpdateScript: LuaScript = { name: 'droverWorkerSettingUpdate', numberOfKeys: 1, lua: `
local key, queue, c, p, max = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local cf, pf = queue .. ':concurrency', queue .. ':paused'
local adds = (c ~= '' and c ~= '-') or p == '1'
-- Fewer fields than max means fewer queues than max: the queues are counted only near the bound, where
-- the hash holds at most 2 * max fields.
if adds and redis.call('HEXISTS', key, cf) == 0 and redis.call('HEXISTS', key, pf) == 0 and redis.call('HLEN', key) >= max then
  local seen, n = {}, 0
  for _, field in ipairs(redis.call('HKEYS', key)) do
    local q = string.match(field, '^(.*):[^:]*$')
    if q and not seen[q] then
      seen[q] = true
      n = n + 1
    end
  end
  if n >= max then return 0 end
end
if c == '-' then redis.call('HDEL', key, cf) elseif c ~= '' then redis.call('HSET', key, cf, c) end
if p == '-' then redis.call('HDEL', key, pf) elseif p == '1' then redis.call('HSET', key, pf, '1') end
return 1
` };

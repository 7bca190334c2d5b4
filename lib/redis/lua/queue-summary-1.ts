// One queue's counts, flags and oldest waiting job in a single script call, so the overview can
// pipeline one call per queue and get every queue of a connection in one round trip.
// KEYS[1] queue key prefix "<prefix>:<queue>:"  ARGV[1] metrics points to return
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const queueSummaryScript: LuaScript = { name: 'droverQueueSummary', numberOfKeys: 1, lua: `
local p = KEYS[1]
local r = redis.call
local out = {}
out[1] = r('LLEN', p .. 'wait')
out[2] = r('LLEN', p .. 'active')
out[3] = r('ZCARD', p .. 'delayed')
out[4] = r('ZCARD', p .. 'prioritized')
out[5] = r('ZCARD', p .. 'waiting-children')
out[6] = r('ZCARD', p .. 'completed')
out[7] = r('ZCARD', p .. 'failed')
local meta = r('HMGET', p .. 'meta', 'paused', 'concurrency', 'max', 'duration')
out[8] = meta[1] or ''
out[9] = meta[2] or ''
out[10] = meta[3] or ''
out[11] = meta[4] or ''
local oldest = r('LINDEX', p .. 'wait', -1)
if (not oldest) then
  local first = r('ZRANGE', p .. 'prioritized', 0, 0)
  oldest = first[1]
end
out[12] = ''
if oldest then
  out[12] = r('HGET', p .. oldest, 'timestamp') or ''
end
local n = tonumber(ARGV[1])
local cm = r('HMGET', p .. 'metrics:completed', 'count', 'prevTS', 'prevCount')
local fm = r('HMGET', p .. 'metrics:failed', 'count', 'prevTS', 'prevCount')
out[13] = {cm[1] or '', cm[2] or '', cm[3] or ''}
out[14] = r('LRANGE', p .. 'metrics:completed:data', 0, n - 1)
out[15] = {fm[1] or '', fm[2] or '', fm[3] or ''}
out[16] = r('LRANGE', p .. 'metrics:failed:data', 0, n - 1)
out[17] = r('EXISTS', p .. 'meta')
return out
` };

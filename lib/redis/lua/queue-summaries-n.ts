// The counts, flags, oldest waiting job and BullMQ metrics of many queues in one script call, answered
// as one JSON string: the overview of thousands of queues is a handful of calls, and the console parses
// one string per call instead of ~25 reply values per queue (README › Performance).
// KEYS: queue key prefixes "<prefix>:<queue>:" (the caller passes their count first; on a Redis
// Cluster one per call, as the queues' keys may live on different nodes)  ARGV[1] metrics points to return
// Answers a JSON array with one array per queue, in the order of KEYS (lib/queues/queue-summary.ts
// parseQueueSummary reads it): 7 counts, paused, concurrency, max, duration, oldest waiting timestamp,
// completed metrics meta, completed points, failed metrics meta, failed points, meta exists.
// The metrics lists are read only when their meta hash exists (workers without `metrics` write none).
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const queueSummariesScript: LuaScript = { name: 'droverQueueSummaries', numberOfKeys: undefined, lua: `
local n = tonumber(ARGV[1])
local r = redis.call
local all = {}
for i = 1, #KEYS do
  local p = KEYS[i]
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
  if (not oldest) and out[4] > 0 then
    oldest = r('ZRANGE', p .. 'prioritized', 0, 0)[1]
  end
  out[12] = ''
  if oldest then
    out[12] = r('HGET', p .. oldest, 'timestamp') or ''
  end
  local cm = r('HMGET', p .. 'metrics:completed', 'count', 'prevTS', 'prevCount')
  local fm = r('HMGET', p .. 'metrics:failed', 'count', 'prevTS', 'prevCount')
  out[13] = {cm[1] or '', cm[2] or '', cm[3] or ''}
  out[14] = cm[1] and r('LRANGE', p .. 'metrics:completed:data', 0, n - 1) or {}
  out[15] = {fm[1] or '', fm[2] or '', fm[3] or ''}
  out[16] = fm[1] and r('LRANGE', p .. 'metrics:failed:data', 0, n - 1) or {}
  out[17] = r('EXISTS', p .. 'meta')
  all[i] = out
end
return cjson.encode(all)
` };

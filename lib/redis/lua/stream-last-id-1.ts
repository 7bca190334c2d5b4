// KEYS[1] a stream: the id of its last entry, or "0-0" when it has none (or does not exist yet), so a
// reader can start right after it. Only the id crosses the wire, not the entry (a "completed" event
// carries the job's return value, which can be megabytes).
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const streamLastIdScript: LuaScript = { name: 'droverStreamLastId', numberOfKeys: 1, lua: `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if last[1] then return last[1][1] end
return '0-0'
` };

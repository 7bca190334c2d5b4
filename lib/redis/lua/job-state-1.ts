// A job's state, cheapest checks first (sorted-set lookups before list scans).
// KEYS[1] queue key prefix  ARGV[1] job id
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const jobStateScript: LuaScript = { name: 'droverJobState', numberOfKeys: 1, lua: `
local p = KEYS[1]
local id = ARGV[1]
local r = redis.call
if r('ZSCORE', p .. 'completed', id) then return 'completed' end
if r('ZSCORE', p .. 'failed', id) then return 'failed' end
if r('ZSCORE', p .. 'delayed', id) then return 'delayed' end
if r('ZSCORE', p .. 'prioritized', id) then return 'prioritized' end
if r('ZSCORE', p .. 'waiting-children', id) then return 'waiting-children' end
if r('LPOS', p .. 'active', id) then return 'active' end
if r('LPOS', p .. 'wait', id) then return 'waiting' end
if r('LPOS', p .. 'paused', id) then return 'waiting' end
if r('EXISTS', p .. id) == 1 then return 'unknown' end
return 'missing'
` };

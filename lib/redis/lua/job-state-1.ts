// A job's state in O(1) Redis work whatever the queue holds: the hash first (an unknown id costs one
// EXISTS), then the sorted sets (ZSCORE), then the running jobs. It never walks the wait list: LPOS over
// a backlog of millions costs ~30 ms a call, and every job page, action and bulk id asks for a state.
// A job that exists, sits in no sorted set and is not running is waiting (BullMQ 6 keeps paused
// queues' jobs in wait too); a hash that sits in no structure at all (mid-move, or orphaned) reads as
// waiting as well.
// KEYS[1] queue key prefix  ARGV[1] job id
import type { LuaScript } from '@/lib/redis/lua-scripts';

/** The active list holds the running jobs (workers × concurrency): its head is all a lookup may scan. */
export const ACTIVE_SCAN_MAX = 10000;

export const jobStateScript: LuaScript = { name: 'droverJobState', numberOfKeys: 1, lua: `
local p = KEYS[1]
local id = ARGV[1]
local r = redis.call
if r('EXISTS', p .. id) == 0 then return 'missing' end
if r('ZSCORE', p .. 'completed', id) then return 'completed' end
if r('ZSCORE', p .. 'failed', id) then return 'failed' end
if r('ZSCORE', p .. 'delayed', id) then return 'delayed' end
if r('ZSCORE', p .. 'prioritized', id) then return 'prioritized' end
if r('ZSCORE', p .. 'waiting-children', id) then return 'waiting-children' end
-- A worker holds a lock on a job it runs; a running job whose worker died keeps its place in active
-- (until the stall check moves it) without a lock: look for it among the first ${ACTIVE_SCAN_MAX}.
if r('EXISTS', p .. id .. ':lock') == 1 then return 'active' end
if r('LPOS', p .. 'active', id, 'MAXLEN', ${ACTIVE_SCAN_MAX}) then return 'active' end
return 'waiting'
` };

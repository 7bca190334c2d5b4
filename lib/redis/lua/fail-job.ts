// "Fail permanently" for a job that is not running (BullMQ 6 removed job.discard()): moves it from
// wait / delayed / prioritized / waiting-children to failed in one atomic step, with an event.
// KEYS[1] queue key prefix  ARGV: id, failedReason, now (ms), events max length
// Returns 1 done, -1 no such job, -2 active (use the cancellation channel), -3 already finished.
export const FAIL_JOB_LUA = `
local p = KEYS[1]
local id = ARGV[1]
local r = redis.call
local jobKey = p .. id
if r('EXISTS', jobKey) == 0 then return -1 end
if r('LPOS', p .. 'active', id) then return -2 end
local from = false
if r('LREM', p .. 'wait', 0, id) > 0 then from = 'waiting'
elseif r('LREM', p .. 'paused', 0, id) > 0 then from = 'waiting'
elseif r('ZREM', p .. 'delayed', id) > 0 then from = 'delayed'
elseif r('ZREM', p .. 'prioritized', id) > 0 then from = 'prioritized'
elseif r('ZREM', p .. 'waiting-children', id) > 0 then from = 'waiting-children'
end
if not from then return -3 end
r('HSET', jobKey, 'failedReason', ARGV[2], 'finishedOn', ARGV[3])
r('ZADD', p .. 'failed', ARGV[3], id)
r('XADD', p .. 'events', 'MAXLEN', '~', ARGV[4], '*', 'event', 'failed', 'jobId', id, 'failedReason', ARGV[2], 'prev', from)
return 1
`;

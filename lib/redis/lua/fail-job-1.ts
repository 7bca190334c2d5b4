// "Fail permanently" for a job that is not running (BullMQ 6 removed job.discard()): moves it from
// wait / delayed / prioritized / waiting-children to failed in one atomic step, doing what BullMQ's
// moveToFinished-14.lua does on failure for such a job:
// - the deduplication key goes when it still names this job and has no TTL (includes/
//   removeDeduplicationKeyIfNeededOnFinalization.lua), so later adds with that id are not dropped;
// - the job's own removeOnFail is honoured (true / 0 / {count: 0}: the job is removed; {count, age,
//   limit}: the failed set is trimmed like includes/removeJobsByMaxCount / removeJobsByMaxAge, at
//   most FAIL_JOB_TRIM_MAX jobs per call so no call blocks Redis; BullMQ's next move to failed trims
//   the rest). A removeOnFail set on a worker, not on the job, is not stored in Redis: the console
//   cannot honour it, the job stays in failed.
// Refused instead of half done:
// - a flow child (parentKey/parent set): BullMQ would update its parent (failParentOnFailure,
//   continueParentOnFailure, ignore/removeDependencyOnFailure, across queues); not ported here;
// - a job with a pending deduplicated successor ("de:" keepLastIfActive left a "dn:" payload, stored
//   while it was active): BullMQ would add that job on finalization; not ported either.
// KEYS[1] queue key prefix  ARGV: id, failedReason, now (ms), events max length
// Returns 1 failed, 2 failed and removed (removeOnFail), -1 no such job, -2 active (use the cancellation
// channel), -3 not in a state it can fail from (already finished), -5 part of a flow, -7 pending
// deduplicated successor.
import type { LuaScript } from '@/lib/redis/lua-scripts';

const FAIL_JOB_TRIM_MAX = 1000;

export const failJobScript: LuaScript = { name: 'droverFailJob', numberOfKeys: 1, lua: `
local p = KEYS[1]
local id, reason, now, maxEvents = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local r = redis.call
local jobKey = p .. id
if r('EXISTS', jobKey) == 0 then return -1 end
if r('ZSCORE', p .. 'completed', id) or r('ZSCORE', p .. 'failed', id) then return -3 end
if r('LPOS', p .. 'active', id) then return -2 end

local f = r('HMGET', jobKey, 'parentKey', 'parent', 'deid', 'opts')
if (f[1] and f[1] ~= '') or f[2] then return -5 end
local deid = f[3]
if deid and r('EXISTS', p .. 'dn:' .. deid) == 1 then return -7 end

-- removeOnFail of the job, as BullMQ's getKeepJobs reads it: true → count 0, false → keep all,
-- a number → count, an object → {count, age (s), limit}.
local keepCount, keepAge, keepLimit = -1, false, ${FAIL_JOB_TRIM_MAX}
local ok, opts = pcall(cjson.decode, f[4] or '{}')
if ok and type(opts) == 'table' then
  local rof = opts['removeOnFail']
  if rof == true then keepCount = 0
  elseif type(rof) == 'number' then keepCount = rof
  elseif type(rof) == 'table' then
    if type(rof['count']) == 'number' then keepCount = rof['count'] end
    if type(rof['age']) == 'number' then keepAge = rof['age'] end
    if type(rof['limit']) == 'number' and rof['limit'] > 0 then keepLimit = math.min(rof['limit'], ${FAIL_JOB_TRIM_MAX}) end
  end
end

-- Out of its state (one pass each). "paused" is the list BullMQ before 5 kept paused jobs in: BullMQ 6.7
-- still reads it (getState, removeJobFromAnyState, drain) and moves it into wait on resume.
local from = false
if r('LREM', p .. 'wait', 0, id) > 0 then from = 'waiting'
elseif r('LREM', p .. 'paused', 0, id) > 0 then from = 'waiting'
elseif r('ZREM', p .. 'delayed', id) > 0 then from = 'delayed'
elseif r('ZREM', p .. 'prioritized', id) > 0 then from = 'prioritized'
elseif r('ZREM', p .. 'waiting-children', id) > 0 then from = 'waiting-children'
end
if not from then return -3 end

if deid then
  local dk = p .. 'de:' .. deid
  local pttl = r('PTTL', dk)
  if pttl == 0 or (pttl == -1 and r('GET', dk) == id) then r('DEL', dk) end
end

local function removeJobKeys(key)
  return r('DEL', key, key .. ':logs', key .. ':dependencies', key .. ':processed', key .. ':failed', key .. ':unsuccessful')
end

-- A trimmed failed job leaves its parent's pending dependencies (BullMQ's removeJob, not hard): when it
-- was the last one, the parent moves from waiting-children to wait.
local function removeTrimmedJob(jid)
  local key = p .. jid
  local pk = r('HGET', key, 'parentKey')
  if type(pk) == 'string' and pk ~= '' and r('EXISTS', pk) == 1 then
    local deps = pk .. ':dependencies'
    if r('SREM', deps, key) > 0 and r('SCARD', deps) == 0 then
      local pid = string.match(pk, '.*:(.*)')
      local pp = string.sub(pk, 1, #pk - #pid)
      if r('ZREM', pp .. 'waiting-children', pid) == 1 then
        local meta = r('HMGET', pp .. 'meta', 'paused', 'concurrency')
        local held = meta[1] ~= false or (meta[2] ~= false and r('LLEN', pp .. 'active') >= tonumber(meta[2]))
        r('RPUSH', pp .. 'wait', pid)
        if not held then r('ZADD', pp .. 'marker', 0, '0') end
        r('XADD', pp .. 'events', '*', 'event', 'waiting', 'jobId', pid, 'prev', 'waiting-children')
      end
    end
  end
  removeJobKeys(key)
end

local failedKey = p .. 'failed'
local code = 1
if keepCount == 0 then
  removeJobKeys(jobKey)
  code = 2
else
  r('HSET', jobKey, 'failedReason', reason, 'finishedOn', now)
  r('HDEL', jobKey, 'defa')
  r('ZADD', failedKey, now, id)
  if keepAge then
    local old = r('ZREVRANGEBYSCORE', failedKey, tonumber(now) - keepAge * 1000, '-inf', 'LIMIT', 0, keepLimit)
    for i = 1, #old do removeTrimmedJob(old[i]) end
    if #old > 0 then r('ZREM', failedKey, unpack(old)) end
  end
  if keepCount > 0 then
    local excess = r('ZCARD', failedKey) - keepCount
    if excess > 0 then
      local old = r('ZRANGE', failedKey, 0, math.min(excess, ${FAIL_JOB_TRIM_MAX}) - 1)
      for i = 1, #old do removeTrimmedJob(old[i]) end
      r('ZREM', failedKey, unpack(old))
    end
  end
end
r('XADD', p .. 'events', 'MAXLEN', '~', maxEvents, '*', 'event', 'failed', 'jobId', id, 'failedReason', reason, 'prev', from)
return code
` };

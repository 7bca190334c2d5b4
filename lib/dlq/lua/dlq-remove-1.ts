// Removes envelopes with their index entries (requeue after the new job exists, purge, retention).
// KEYS[1] the DLQ's index base (one call for the envelopes and their indexes: see dlq-capture-1.ts).
// ARGV: 1 dlq key prefix, 2 stats counter (requeued | purged | expired), 3 claim token ('' = no claim
// needed), 4 events max length, 5… envelope ids.
// Returns { removed ids, ids still held by BullMQ in another state (moved by hand on the queue page:
// the caller removes those through BullMQ) }. An id whose claim is not ours is left alone.
import type { LuaScript } from '@/lib/redis/lua-scripts';
import { UNINDEX } from './includes/unindex';

export const dlqRemoveScript: LuaScript = { name: 'droverDlqRemove', numberOfKeys: 1, lua: `${UNINDEX}
local base = KEYS[1]
local r = redis.call
local dlq, counter, token, maxEvents = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local removed, foreign = {}, {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local key = dlq .. id
  if token == '' or r('HGET', key, 'drover:claim') == token then
    local indexed = unindex(base, id)
    local inFailed = r('ZREM', dlq .. 'failed', id)
    if inFailed == 1 or r('EXISTS', key) == 0 then
      local existed = r('DEL', key)
      r('DEL', key .. ':logs')
      if existed == 1 or indexed == 1 or inFailed == 1 then
        removed[#removed + 1] = id
        r('HINCRBY', base .. ':stats', counter, 1)
        r('XADD', dlq .. 'events', 'MAXLEN', '~', maxEvents, '*', 'event', 'removed', 'jobId', id, 'prev', 'failed')
      end
    else
      foreign[#foreign + 1] = id
      r('HINCRBY', base .. ':stats', counter, 1)
    end
  end
end
return { removed, foreign }
` };

// Read-only, for the schedules page: one queue costs one call, and a connection's queues go in one pipeline.
// The newest finished jobs produced by the given schedulers: a bounded look at the last ARGV[1]
// completed and failed jobs; only ids starting "repeat:" (BullMQ's scheduler job ids) are opened,
// and only their "rjk" field is read. At most ARGV[2] per scheduler and state.
// KEYS[1] queue prefix  ARGV[1] depth  ARGV[2] per-scheduler cap  ARGV[3…] scheduler ids
// → { { schedulerId, jobId, state, finishedOn }… }
import 'server-only';
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const scheduleOutcomesScript: LuaScript = { name: 'droverScheduleOutcomes', numberOfKeys: 1, lua: `
local r = redis.call
local p = KEYS[1]
local depth = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local wanted = {}
for i = 3, #ARGV do wanted[ARGV[i]] = true end
local out = {}
for _, state in ipairs({ 'completed', 'failed' }) do
  local seen = {}
  local entries = r('ZREVRANGE', p .. state, 0, depth - 1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    local id = entries[i]
    if string.sub(id, 1, 7) == 'repeat:' then
      local rjk = r('HGET', p .. id, 'rjk')
      if rjk and wanted[rjk] and (seen[rjk] or 0) < cap then
        seen[rjk] = (seen[rjk] or 0) + 1
        out[#out + 1] = { rjk, id, state, entries[i + 1] }
      end
    end
  end
end
return out
` };

// Table rows of envelopes without their payloads; the failedReason is cut at a cap (it can be huge).
// KEYS[1] the DLQ's index base (see dlq-capture-1.ts).
// ARGV: 1 dlq key prefix, 2 text cap, 3… ids. Returns per id { id, dq, dj, name, failedReason, finishedOn,
// atm, dg, dca, pb, full failedReason length } or false when the envelope is gone.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const dlqRowsScript: LuaScript = { name: 'droverDlqRows', numberOfKeys: 1, lua: `
local r = redis.call
local dlq, cap = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local f = r('HMGET', dlq .. id, 'dq', 'dj', 'name', 'failedReason', 'finishedOn', 'atm', 'dg', 'dca', 'pb')
  if f[1] then
    local reason = f[4] or ''
    local len = string.len(reason)
    if len > cap then reason = string.sub(reason, 1, cap) end
    out[#out + 1] = { id, f[1], f[2] or '', f[3] or '', reason, f[5] or '', f[6] or '0', f[7] or '', f[8] or '', f[9] or '', len }
  else
    out[#out + 1] = false
  end
end
return out
` };

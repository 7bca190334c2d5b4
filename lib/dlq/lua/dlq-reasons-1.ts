// The first bytes of envelopes' failedReason, for re-grouping dead letters captured under an earlier
// version of the grouping rules (lib/dlq/regroup.ts): never a whole 1 MB reason over the wire.
// KEYS[1] the DLQ's index base (see dlq-capture-1.ts).
// ARGV: 1 dlq key prefix, 2 bytes kept per reason, 3… envelope ids.
// Returns one reason prefix per id, false when the envelope is gone.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const dlqReasonsScript: LuaScript = { name: 'droverDlqReasons', numberOfKeys: 1, lua: `
local dlq, maxBytes = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV do
  local reason = redis.call('HGET', dlq .. ARGV[i], 'failedReason')
  if reason then out[#out + 1] = string.sub(reason, 1, maxBytes) else out[#out + 1] = false end
end
return out
` };

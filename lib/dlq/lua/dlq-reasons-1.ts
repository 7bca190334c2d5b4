// The first bytes of envelopes' failedReason, for re-grouping dead letters captured under an earlier
// version of the grouping rules (lib/dlq/regroup.ts): never a whole 1 MB reason over the wire.
// KEYS[1] the DLQ's index base (see dlq-capture-1.ts).
// ARGV: 1 dlq key prefix, 2 bytes kept per reason, 3 bytes read per call, 4… envelope ids.
// Returns one reason prefix per id it read, false when the envelope is gone. A reason is read whole
// (a hash field has no range read), so the call stops once it has read ARGV[3] bytes (after at least
// one id): the caller sends the ids it did not get back again. One call never moves 500 × 1 MB.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const dlqReasonsScript: LuaScript = { name: 'droverDlqReasons', numberOfKeys: 1, lua: `
local dlq, maxBytes, budget = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local out, read = {}, 0
for i = 4, #ARGV do
  if i > 4 and read >= budget then break end
  read = read + redis.call('HSTRLEN', dlq .. ARGV[i], 'failedReason')
  local reason = redis.call('HGET', dlq .. ARGV[i], 'failedReason')
  if reason then out[#out + 1] = string.sub(reason, 1, maxBytes) else out[#out + 1] = false end
end
return out
` };

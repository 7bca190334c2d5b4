// Claims envelopes for a requeue (ARGV[2] mode 'claim') so two operators never requeue the same dead
// letter twice; a claim older than the TTL (a crashed console) can be taken over, and claiming again
// with the same token renews it (a requeue renews its claims before each round of adds). Mode
// 'release' drops our claim (the new job could not be added).
// KEYS[1] the DLQ's index base (see dlq-capture-1.ts).
// ARGV: 1 dlq key prefix, 2 mode, 3 token, 4 now, 5 ttl ms, 6… ids. Returns the ids claimed / released.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const dlqClaimScript: LuaScript = { name: 'droverDlqClaim', numberOfKeys: 1, lua: `
local r = redis.call
local dlq, mode, token, now, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local out = {}
for i = 6, #ARGV do
  local id = ARGV[i]
  local key = dlq .. id
  if r('EXISTS', key) == 1 then
    local c = r('HMGET', key, 'drover:claim', 'drover:claimedAt')
    if mode == 'claim' then
      if not c[1] or c[1] == token or tonumber(c[2] or '0') < now - ttl then
        r('HSET', key, 'drover:claim', token, 'drover:claimedAt', now)
        out[#out + 1] = id
      end
    elseif c[1] == token then
      r('HDEL', key, 'drover:claim', 'drover:claimedAt')
      out[#out + 1] = id
    end
  end
end
return out
` };

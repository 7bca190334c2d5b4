// A delivery claim (lib/alerts/deliveries.ts). KEYS[1] the delivery's key; ARGV[1] holder, ARGV[2] now ms,
// ARGV[3] lease ms, ARGV[4] max tries, ARGV[5] keep ms. Takes the delivery when nobody holds it (no record,
// a failed one due for a retry, a 'sending' one whose holder stopped; tries < max) and returns the new
// record's JSON; nil when refused.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const claimDeliveryScript: LuaScript = { name: 'droverClaimDelivery', numberOfKeys: 1, lua: `
local now = tonumber(ARGV[2])
local tries = 0
local raw = redis.call('GET', KEYS[1])
if raw then
  local r = cjson.decode(raw)
  if tonumber(r.tries) >= tonumber(ARGV[4]) then return nil end
  local free = (r.status == 'failed' and tonumber(r.retryAt) <= now) or (r.status == 'sending' and tonumber(r.claimedUntil) < now)
  if not free then return nil end
  tries = tonumber(r.tries)
end
local rec = cjson.encode({ status = 'sending', holder = ARGV[1], tries = tries + 1, claimedUntil = now + tonumber(ARGV[3]), retryAt = 0, error = cjson.null })
redis.call('SET', KEYS[1], rec, 'PX', ARGV[5])
return rec
` };

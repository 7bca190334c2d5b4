// The outcome of a claimed delivery (lib/alerts/deliveries.ts). KEYS[1] the delivery's key; ARGV[1] the
// holder, ARGV[2] the record's JSON, ARGV[3] keep ms. Written only while that holder still holds it.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const finishDeliveryScript: LuaScript = { name: 'droverFinishDelivery', numberOfKeys: 1, lua: `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
if cjson.decode(raw).holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
` };

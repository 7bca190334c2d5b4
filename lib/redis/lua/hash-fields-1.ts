// KEYS[1] a hash, ARGV[1] a COUNT hint: the field names of one HSCAN step from cursor 0, without the
// values (a flow's processed children map to their return values, which can be megabytes each).
// HSCAN NOVALUES would do this, but needs Redis 7.4.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const hashFieldsScript: LuaScript = { name: 'droverHashFields', numberOfKeys: 1, lua: `
local page = redis.call('HSCAN', KEYS[1], '0', 'COUNT', ARGV[1])[2]
local fields = {}
for i = 1, #page, 2 do fields[#fields + 1] = page[i] end
return fields
` };

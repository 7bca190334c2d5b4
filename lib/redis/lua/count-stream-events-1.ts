// KEYS[1] a stream; ARGV[1] the newest id to look at ("+" or "(<id>" to go on below one), ARGV[2] the
// oldest id ("<ms>" for from that ms on), ARGV[3] how many entries to look at in this call, ARGV[4] the
// field value counted (an "event" field, e.g. "stalled"). Returns { matches, entries looked at, the last
// id looked at or "" }: only integers and one id cross the wire, never an entry (a "completed" event
// carries the job's return value, a "failed" one its reason, a "progress" one its progress).
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const countStreamEventsScript: LuaScript = { name: 'droverCountStreamEvents', numberOfKeys: 1, lua: `
local entries = redis.call('XREVRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', tonumber(ARGV[3]))
local matches = 0
for _, entry in ipairs(entries) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'event' then
      if fields[i + 1] == ARGV[4] then matches = matches + 1 end
      break
    end
  end
end
local last = ''
if #entries > 0 then last = entries[#entries][1] end
return { matches, #entries, last }
` };

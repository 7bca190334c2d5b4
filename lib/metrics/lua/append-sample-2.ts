// Appends a metrics sample with the 1-minute roll-up (lib/metrics/record-samples.ts).
// KEYS[1] 10 s stream, KEYS[2] 1-minute stream. ARGV[1] sample time (ms), ARGV[2] oldest id kept in
// the 10 s stream, ARGV[3] oldest id kept in the 1-minute stream, ARGV[4] / ARGV[5] their time to live
// (a removed queue's series expire), ARGV[6…] field/value pairs.
// When the new sample opens a new minute, the previous sample (the last of its minute) becomes that
// minute's 1-minute point: downsampling is "last value of the minute", done at write time so no
// background job ever rewrites history. A sample not newer than the last one is dropped (returns 0).
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const appendSampleScript: LuaScript = { name: 'droverAppendSample', numberOfKeys: 2, lua: `
local now = tonumber(ARGV[1])
local function ms(id) return tonumber(string.match(id, '^(%d+)')) end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if last then
  local lastMs = ms(last[1])
  if lastMs >= now then return 0 end
  local minuteStart = math.floor(lastMs / 60000) * 60000
  if minuteStart < math.floor(now / 60000) * 60000 then
    local top = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)[1]
    if (not top) or ms(top[1]) < minuteStart then
      local args = {'XADD', KEYS[2], 'MINID', ARGV[3], string.format('%.0f-0', minuteStart)}
      for _, v in ipairs(last[2]) do args[#args + 1] = v end
      redis.call(unpack(args))
    end
  end
end
redis.call('PEXPIRE', KEYS[2], ARGV[5])
local args = {'XADD', KEYS[1], 'MINID', ARGV[2], string.format('%.0f-0', now)}
for i = 6, #ARGV do args[#args + 1] = ARGV[i] end
redis.call(unpack(args))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
` };

// A channel Test's place in the limits (lib/alerts/channels/test-limit.ts). KEYS[1] the channel's last test
// (string, ms), KEYS[2] every test of the last window (zset member → ms). ARGV[1] one test per channel per
// this many ms, ARGV[2] window ms, ARGV[3] tests per window, ARGV[4] a unique member. The time is Redis's
// own (TIME), never a replica's: a replica whose clock is ahead neither passes the limits nor empties the
// window. Returns {1} when taken; {0, 1, wait ms, ms since the last test} when the channel was tested too
// recently; {0, 2, wait ms} when the window is full.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const reserveChannelTestScript: LuaScript = { name: 'droverReserveChannelTest', numberOfKeys: 2, lua: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local every = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local last = tonumber(redis.call('GET', KEYS[1]) or '')
if last and last > now - every then return {0, 1, last + every - now, now - last} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[2])
if n >= limit then
  local oldest = redis.call('ZRANGE', KEYS[2], n - limit, n - limit, 'WITHSCORES')
  return {0, 2, tonumber(oldest[2]) + window - now}
end
redis.call('SET', KEYS[1], now, 'PX', every)
redis.call('ZADD', KEYS[2], now, ARGV[4])
redis.call('PEXPIRE', KEYS[2], window)
return {1}
` };

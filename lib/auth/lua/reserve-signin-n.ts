// Reserves a sign-in failure slot before a password is checked (lib/auth/signin-rate-limit.ts).
// KEYS: the failure windows to charge (per address and/or per account, zsets member → time in ms), one
// or two, so the caller passes their count first. ARGV[1] now (ms), ARGV[2] window (ms), ARGV[3] limit,
// ARGV[4] member of this attempt.
// Trims each window; when any already holds `limit` entries, refuses with {0, key index, retry-after
// ms}; else adds the member to every key (a pending failure, removed again on success) and returns {1}.
// One script: concurrent attempts are serialised by Redis, so a burst cannot pass the limit.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const reserveSigninScript: LuaScript = { name: 'droverReserveSignin', numberOfKeys: undefined, lua: `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local worst, worstIndex = -1, 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local entry = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local wait = tonumber(entry[2]) + window - now
    if wait > worst then worst, worstIndex = wait, i end
  end
end
if worstIndex > 0 then return {0, worstIndex, worst} end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
end
return {1}
` };

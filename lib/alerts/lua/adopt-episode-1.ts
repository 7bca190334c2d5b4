// The episode of a firing target (lib/alerts/deliveries.ts). KEYS[1] the episode key; ARGV[1] the proposed
// episode (ms), ARGV[2] keep ms, ARGV[3] window ms. The stored episode when it is within the window of the
// proposed one (the same start seen by another console), else the proposed one, stored (a stored one
// further away is an earlier episode that was never closed: this is a new incident).
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const adoptEpisodeScript: LuaScript = { name: 'droverAdoptEpisode', numberOfKeys: 1, lua: `
local stored = redis.call('GET', KEYS[1])
if stored and math.abs(tonumber(stored) - tonumber(ARGV[1])) <= tonumber(ARGV[3]) then return stored end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
` };

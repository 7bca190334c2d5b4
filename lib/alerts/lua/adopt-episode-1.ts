// The episode of a firing target (lib/alerts/deliveries.ts). KEYS[1] the episode key; ARGV[1] the proposed
// episode (ms), ARGV[2] keep ms. The stored episode if there is one, else the proposed one, stored.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const adoptEpisodeScript: LuaScript = { name: 'droverAdoptEpisode', numberOfKeys: 1, lua: `
local stored = redis.call('GET', KEYS[1])
if stored then return stored end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
` };

// Forgets a target's episode when it resolved (lib/alerts/deliveries.ts). KEYS[1] the episode key;
// ARGV[1] the episode that resolved: a newer one stays.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const closeEpisodeScript: LuaScript = { name: 'droverCloseEpisode', numberOfKeys: 1, lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
` };

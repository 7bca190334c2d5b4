// Saves a paging channel under the console's cap, in one step (two replicas' creates cannot both pass a
// count taken before either wrote). KEYS[1] the hash of channels; ARGV[1] id, ARGV[2] JSON, ARGV[3] the cap.
// Returns 1 when saved, 0 when the channel is new and the cap is reached (nothing written).
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const saveChannelScript: LuaScript = { name: 'droverSaveChannel', numberOfKeys: 1, lua: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
` };

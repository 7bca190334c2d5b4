// A queue's objectives saved within the bound (lib/objectives/set-objectives.ts). KEYS[1] the objectives
// hash; ARGV[1] the scope, ARGV[2] its JSON, ARGV[3] how many scopes may be stored. 1 saved; 0 refused
// (a new scope while the hash is full). One script: parallel saves cannot all pass a count read first.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const saveObjectivesScript: LuaScript = { name: 'droverSaveObjectives', numberOfKeys: 1, lua: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
` };

// Restores a resumed scheduler's iteration counter: BullMQ's upsert starts "ic" at 1 and has no option
// for it. Adds (paused count - 1) rather than setting it, so a job a worker took meanwhile still
// counts; only while that scheduler exists. KEYS[1] "<prefix>:<queue>:repeat"  ARGV[1] id  ARGV[2] add
import 'server-only';
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const restoreIterationCountScript: LuaScript = { name: 'droverRestoreIterationCount', numberOfKeys: 1, lua: `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return redis.call('HINCRBY', KEYS[1] .. ':' .. ARGV[1], 'ic', ARGV[2])
end
return -1
` };

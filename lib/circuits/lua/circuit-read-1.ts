// A circuit's record with its version and Redis's clock, in one call (lib/store/redis/circuit-records.ts).
// KEYS: the circuit hash. Returns {version ("0": none), record ("": none), TIME}.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const circuitReadScript: LuaScript = { name: 'droverCircuitRead', numberOfKeys: 1, lua: `
local f = redis.call('HMGET', KEYS[1], 'v', 'r')
return {f[1] or '0', f[2] or '', redis.call('TIME')}
` };

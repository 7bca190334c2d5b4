// Compare-and-set of a circuit's record (lib/store/redis/circuit-records.ts): written only when its
// version is still the one read. KEYS: the circuit hash, the connection's circuit index (zset
// destination → last change, ms). ARGV: destination, expected version ("0": none), record JSON, ttl ms,
// the index's max size. Returns 1 when written, 0 when another process changed it first.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const circuitSwapScript: LuaScript = { name: 'droverCircuitSwap', numberOfKeys: 2, lua: `
local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if version ~= tonumber(ARGV[2]) then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'v', version + 1, 'r', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[5]) - 1)
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
` };

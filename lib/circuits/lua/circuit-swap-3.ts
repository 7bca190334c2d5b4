// Compare-and-set of a circuit's record (lib/store/redis/circuit-records.ts), with the connection's caps
// applied in the same script: written only when its version is still the one read, and only if it fits.
// KEYS: the circuit hash, the connection's closed index and held index (zsets destination → last change,
// ms; disjoint: a destination is in the held one while its circuit is open or half-open).
// ARGV: destination, expected version ("0": none), record JSON, ttl ms, held ("1": the record is open or
// half-open), the held cap, the records cap, the held idle limit ms, the most idle held entries evicted.
// Returns {1, evicted destinations…} when written, {0} when another process changed it first, {2} when
// refused: it would hold jobs and the held cap is full of entries changed within the idle limit
// (lib/circuits/circuit.ts › CIRCUIT_HELD_MAX, CIRCUIT_HELD_IDLE_MS). A new held entry beyond the cap
// first evicts the held entries idle longest (only if that makes room, at most the given number). A
// destination in neither index is new: when the records cap is reached it evicts the oldest closed
// records, never a held one. The evicted destinations' hashes are deleted by the caller after the script
// (their key names are not this script's KEYS, which Redis Cluster requires); they expire anyway.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const circuitSwapScript: LuaScript = { name: 'droverCircuitSwap', numberOfKeys: 3, lua: `
local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if version ~= tonumber(ARGV[2]) then return {0} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - ttl)
local held = ARGV[5] == '1'
local wasHeld = redis.call('ZSCORE', KEYS[3], ARGV[1])
local result = {1}
if held and not wasHeld then
  local need = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[6]) + 1
  if need > 0 then
    if need > tonumber(ARGV[9]) then return {2} end
    local idle = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now - tonumber(ARGV[8])), 'LIMIT', 0, need)
    if #idle < need then return {2} end
    for _, d in ipairs(idle) do
      redis.call('ZREM', KEYS[3], d)
      result[#result + 1] = d
    end
  end
end
if not wasHeld and not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  local excess = redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[7]) + 1
  if excess > 0 then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
    for _, d in ipairs(oldest) do result[#result + 1] = d end
    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
  end
end
redis.call('HSET', KEYS[1], 'v', version + 1, 'r', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
if held then
  redis.call('ZADD', KEYS[3], now, ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], now, ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
end
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return result
` };

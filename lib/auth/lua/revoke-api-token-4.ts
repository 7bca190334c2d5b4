// Revokes an API token and frees its name (lib/auth/api-tokens.ts), in one script.
// KEYS[1] tokens hash, KEYS[2] ids hash, KEYS[3] last-used hash, KEYS[4] names hash.
// ARGV[1] token id, ARGV[2] its name key. The name is removed only while it points at this token (an
// older token of the same name may hold it). Returns the revoked record's JSON, or false when unknown.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const revokeApiTokenScript: LuaScript = { name: 'droverRevokeApiToken', numberOfKeys: 4, lua: `
local digest = redis.call('HGET', KEYS[2], ARGV[1])
if not digest then return false end
local raw = redis.call('HGET', KEYS[1], digest)
redis.call('HDEL', KEYS[1], digest)
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('HGET', KEYS[4], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[4], ARGV[2]) end
return raw or false
` };

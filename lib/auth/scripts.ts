// Lua for sign-in: reserve a failure slot before a password is checked, and swap a password hash only
// if nobody changed the user meanwhile. Registered on the console client with defineCommand (EVALSHA).
import type { Redis, Result } from 'ioredis';

/**
 * KEYS: the failure windows to charge (per address and/or per account, zsets member → time in ms).
 * ARGV[1] now (ms), ARGV[2] window (ms), ARGV[3] limit, ARGV[4] member of this attempt.
 * Trims each window; when any already holds `limit` entries, refuses with {0, key index, retry-after
 * ms}; else adds the member to every key (a pending failure, removed again on success) and returns {1}.
 * One script: concurrent attempts are serialised by Redis, so a burst cannot pass the limit.
 */
export const RESERVE_SIGNIN_LUA = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local worst, worstIndex = -1, 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local entry = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local wait = tonumber(entry[2]) + window - now
    if wait > worst then worst, worstIndex = wait, i end
  end
end
if worstIndex > 0 then return {0, worstIndex, worst} end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
end
return {1}
`;

/** KEYS[1] users hash, ARGV[1] email, ARGV[2] the record as read, ARGV[3] the new record: 1 when swapped. */
export const SWAP_USER_RECORD_LUA = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverReserveSignin(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Result<[number, number?, number?], Context>;
    droverSwapUserRecord(usersKey: string, email: string, expected: string, next: string): Result<number, Context>;
  }
}

// numberOfKeys undefined: the caller passes it first (one or two windows).
const SCRIPTS: ReadonlyArray<readonly [string, string, number | undefined]> = [
  ['droverReserveSignin', RESERVE_SIGNIN_LUA, undefined],
  ['droverSwapUserRecord', SWAP_USER_RECORD_LUA, 1],
];

/** Adds the sign-in scripts to a client (idempotent). */
export function withAuthScripts(client: Redis): Redis {
  for (const [name, lua, numberOfKeys] of SCRIPTS) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys, lua });
  }
  return client;
}

// Writes a batch of attempt records in one call (lib/attempts/record-attempt.ts).
// KEYS: the history lists touched, as many as the batch needs, so the caller passes their count first.
// ARGV: cap, ttl ms, and the records as one string (one argument is much cheaper to send than three
// per record), one per line: kind ("s" start, "e" end, "r" a whole run), key index, ":", record JSON
// (JSON never holds a raw newline). Records start with {"attempt":N,"startedAt":T, which identifies
// the run: an end replaces its run's record (normally the head) or, when that is gone (trimmed), is pushed.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const attemptBatchScript: LuaScript = { name: 'droverAttemptBatch', numberOfKeys: undefined, lua: `
local cap, ttl = tonumber(ARGV[1]), ARGV[2]
local function replace(key, record)
  local head = string.match(record, '^{"attempt":%d+,"startedAt":%d+,')
  if not head then return false end
  local function matches(raw) return raw and string.sub(raw, 1, #head) == head end
  if matches(redis.call('LINDEX', key, 0)) then
    redis.call('LSET', key, 0, record)
    return true
  end
  local items = redis.call('LRANGE', key, 1, cap - 1)
  for i = 1, #items do
    if matches(items[i]) then
      redis.call('LSET', key, i, record)
      return true
    end
  end
  return false
end
for kind, index, record in string.gmatch(ARGV[3], '([sre])(%d+):([^\\n]+)') do
  local key = KEYS[tonumber(index)]
  if kind ~= 'e' or not replace(key, record) then
    if redis.call('LPUSH', key, record) > cap then redis.call('LTRIM', key, 0, cap - 1) end
  end
end
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl) end
return #KEYS` };

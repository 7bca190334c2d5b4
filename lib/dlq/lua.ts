// Lua of the dead-letter queue. An envelope and its indexes (lib/keys.ts: KEYS.deadLetters) change in
// one script call, so the counts on the DLQ page never disagree with the envelopes, whatever crashes.
// KEYS[1] is always the DLQ's index base "drover:dlq:<prefix>:<dlq>"; every other key shares the
// prefix's hash tag on a cluster (the same convention as lib/redis/lua).

/** Unindexes one envelope id (by its "<gid>\t<queue>" entry); returns 1 when it was indexed. */
const UNINDEX = `
local function unindex(base, id)
  local meta = redis.call('HGET', base .. ':env', id)
  if meta then
    local tab = string.find(meta, '\\t', 1, true)
    local gid = string.sub(meta, 1, tab - 1)
    local q = string.sub(meta, tab + 1)
    local gids = base .. ':group:' .. gid .. ':ids'
    redis.call('ZREM', gids, id)
    local gn = redis.call('ZCARD', gids)
    if gn == 0 then
      redis.call('DEL', base .. ':group:' .. gid)
      redis.call('ZREM', base .. ':groups', gid)
    else
      redis.call('ZADD', base .. ':groups', gn, gid)
    end
    local qids = base .. ':queue:' .. q .. ':ids'
    redis.call('ZREM', qids, id)
    local qn = redis.call('ZCARD', qids)
    if qn == 0 then redis.call('ZREM', base .. ':queues', q) else redis.call('ZADD', base .. ':queues', qn, q) end
    redis.call('HDEL', base .. ':env', id)
  end
  return redis.call('ZREM', base .. ':all', id)
end
`;

/**
 * Capture one failed job as an envelope: a BullMQ job hash in the DLQ queue's failed set (a state no
 * worker consumes) with the origin's failedReason, stacktraces, attempts and times, so the ordinary job
 * view shows it; its data is the envelope JSON. Idempotent: the origin gets a marker field
 * "drover:dlq" = envelope id, and an existing envelope is never written twice.
 * ARGV: 1 dlq key prefix "<prefix>:<dlq>:", 2 origin key prefix "<prefix>:<queue>:", 3 origin queue,
 * 4 origin job id, 5 expected attempts made, 6 envelope id, 7 group id, 8 group pattern, 9 sample reason,
 * 10 failedAt, 11 now, 12 envelope JSON, 13 name, 14 failedReason, 15 stacktrace JSON, 16 processedOn,
 * 17 attemptsStarted, 18 processedBy, 19 allow a missing origin (1: it was removed on fail), 20 events max
 * length, 21 origin timestamp, 22 captured by, 23 origin options JSON (kept apart from the data, so the
 * page shows them without loading the payload).
 * Returns captured | duplicate | not-failed | changed | missing.
 */
export const CAPTURE_LUA = `
local base = KEYS[1]
local r = redis.call
local dlq, origin, originQueue, originId = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local envId, gid = ARGV[6], ARGV[7]
local failedAt = ARGV[10]
local originKey = origin .. originId
local originExists = r('EXISTS', originKey) == 1
if originExists then
  if not r('ZSCORE', origin .. 'failed', originId) then return 'not-failed' end
  if (r('HGET', originKey, 'atm') or '0') ~= ARGV[5] then return 'changed' end
  if r('HGET', originKey, 'drover:dlq') == envId then return 'duplicate' end
elseif ARGV[19] ~= '1' then
  return 'missing'
end
local envKey = dlq .. envId
if r('EXISTS', envKey) == 1 then
  if originExists then r('HSET', originKey, 'drover:dlq', envId) end
  return 'duplicate'
end
local fields = { 'name', ARGV[13], 'data', ARGV[12], 'opts', '{}', 'timestamp', ARGV[21] ~= '' and ARGV[21] or ARGV[11],
  'delay', '0', 'priority', '0', 'atm', ARGV[5], 'ats', ARGV[17], 'failedReason', ARGV[14], 'stacktrace', ARGV[15],
  'finishedOn', failedAt, 'dq', originQueue, 'dj', originId, 'dg', gid, 'dca', ARGV[11], 'dcb', ARGV[22], 'dopts', ARGV[23] }
if ARGV[16] ~= '' then fields[#fields + 1] = 'processedOn'; fields[#fields + 1] = ARGV[16] end
if ARGV[18] ~= '' then fields[#fields + 1] = 'pb'; fields[#fields + 1] = ARGV[18] end
r('HSET', envKey, unpack(fields))
r('ZADD', dlq .. 'failed', failedAt, envId)
r('HSETNX', dlq .. 'meta', 'opts.maxLenEvents', ARGV[20])
r('XADD', dlq .. 'events', 'MAXLEN', '~', ARGV[20], '*', 'event', 'added', 'jobId', envId, 'name', ARGV[13])
r('ZADD', base .. ':all', failedAt, envId)
r('HSET', base .. ':env', envId, gid .. '\\t' .. originQueue)
local gids = base .. ':group:' .. gid .. ':ids'
r('ZADD', gids, failedAt, envId)
r('ZADD', base .. ':groups', r('ZCARD', gids), gid)
r('HSETNX', base .. ':group:' .. gid, 'pattern', ARGV[8])
r('HSETNX', base .. ':group:' .. gid, 'sample', ARGV[9])
local qids = base .. ':queue:' .. originQueue .. ':ids'
r('ZADD', qids, failedAt, envId)
r('ZADD', base .. ':queues', r('ZCARD', qids), originQueue)
r('HINCRBY', base .. ':stats', 'captured', 1)
if originExists then r('HSET', originKey, 'drover:dlq', envId) end
return 'captured'
`;

/**
 * Remove envelopes with their index entries (requeue after the new job exists, purge, retention).
 * ARGV: 1 dlq key prefix, 2 stats counter (requeued | purged | expired), 3 claim token ('' = no claim
 * needed), 4 events max length, 5… envelope ids.
 * Returns { removed ids, ids still held by BullMQ in another state (moved by hand on the queue page:
 * the caller removes those through BullMQ) }. An id whose claim is not ours is left alone.
 */
export const REMOVE_LUA = `${UNINDEX}
local base = KEYS[1]
local r = redis.call
local dlq, counter, token, maxEvents = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local removed, foreign = {}, {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local key = dlq .. id
  if token == '' or r('HGET', key, 'drover:claim') == token then
    local indexed = unindex(base, id)
    local inFailed = r('ZREM', dlq .. 'failed', id)
    if inFailed == 1 or r('EXISTS', key) == 0 then
      local existed = r('DEL', key)
      r('DEL', key .. ':logs')
      if existed == 1 or indexed == 1 or inFailed == 1 then
        removed[#removed + 1] = id
        r('HINCRBY', base .. ':stats', counter, 1)
        r('XADD', dlq .. 'events', 'MAXLEN', '~', maxEvents, '*', 'event', 'removed', 'jobId', id, 'prev', 'failed')
      end
    else
      foreign[#foreign + 1] = id
      r('HINCRBY', base .. ':stats', counter, 1)
    end
  end
end
return { removed, foreign }
`;

/**
 * Claim envelopes for a requeue (ARGV[2] mode 'claim') so two operators never requeue the same dead
 * letter twice; a claim older than the TTL (a crashed console) can be taken over. Mode 'release' drops
 * our claim (the new job could not be added).
 * ARGV: 1 dlq key prefix, 2 mode, 3 token, 4 now, 5 ttl ms, 6… ids. Returns the ids claimed / released.
 */
export const CLAIM_LUA = `
local r = redis.call
local dlq, mode, token, now, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local out = {}
for i = 6, #ARGV do
  local id = ARGV[i]
  local key = dlq .. id
  if r('EXISTS', key) == 1 then
    local c = r('HMGET', key, 'drover:claim', 'drover:claimedAt')
    if mode == 'claim' then
      if not c[1] or tonumber(c[2] or '0') < now - ttl then
        r('HSET', key, 'drover:claim', token, 'drover:claimedAt', now)
        out[#out + 1] = id
      end
    elseif c[1] == token then
      r('HDEL', key, 'drover:claim', 'drover:claimedAt')
      out[#out + 1] = id
    end
  end
end
return out
`;

/**
 * The per-envelope part of a filtered walk: which of the given ids (a chunk of an index, walked by score
 * in lib/dlq/filter.ts) match. Stops after a few ms (TIME), like lib/redis/lua/search-chunk-1.ts, or at
 * max matches. Read-only; an id whose envelope is gone never matches.
 * ARGV: 1 dlq key prefix, 2 budget µs, 3 origin queue ('' any), 4 group id ('' any), 5 exact job name
 * ('' any), 6 needle (lower case, '' none), 7 max matches, 8… ids.
 * Returns { ids looked at (a prefix of the given ones), matching ids }.
 */
export const MATCH_LUA = `
local r = redis.call
local dlq, budget = ARGV[1], tonumber(ARGV[2])
local queue, group, name, needle = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local maxMatches = tonumber(ARGV[7])
local t = r('TIME')
local started = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function has(v)
  return v and string.find(string.lower(v), needle, 1, true) ~= nil
end
-- Envelopes whose data is over 1 MB are matched on their other fields only; after reading a large
-- one the time budget is checked at once (see lib/redis/lua/search-chunk-1.ts).
local heavy = false
local function hasData(key)
  local len = r('HSTRLEN', key, 'data')
  if len > 65536 then heavy = true end
  if len == 0 or len > 1048576 then return false end
  return has(r('HGET', key, 'data'))
end
local matches = {}
local looked = 0
for i = 8, #ARGV do
  local id = ARGV[i]
  looked = looked + 1
  local f = r('HMGET', dlq .. id, 'dq', 'dg', 'name', 'dj', 'failedReason')
  local ok = f[1] ~= false
  if ok and queue ~= '' and f[1] ~= queue then ok = false end
  if ok and group ~= '' and f[2] ~= group then ok = false end
  if ok and name ~= '' and f[3] ~= name then ok = false end
  if ok and needle ~= '' then
    ok = has(id) or has(f[3]) or has(f[4]) or has(f[5]) or hasData(dlq .. id)
  end
  if ok then
    matches[#matches + 1] = id
    if #matches >= maxMatches then return { looked, matches } end
  end
  if looked % 16 == 0 or heavy then
    heavy = false
    local now = r('TIME')
    if (tonumber(now[1]) * 1000000 + tonumber(now[2])) - started > budget then return { looked, matches } end
  end
end
return { looked, matches }
`;

/**
 * Unindex ids whose envelope is gone (removed outside Drover, e.g. another dashboard's Remove on the DLQ
 * queue), for the retention pass. An id whose envelope exists is left alone, so a capture racing the
 * check is never undone. Counted as purged, so captured − requeued − purged − expired stays the size.
 * ARGV: 1 dlq key prefix, 2… ids. Returns how many were unindexed.
 */
export const UNINDEX_MISSING_LUA = `${UNINDEX}
local base = KEYS[1]
local r = redis.call
local dlq = ARGV[1]
local n = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if r('EXISTS', dlq .. id) == 0 then
    r('ZREM', dlq .. 'failed', id)
    if unindex(base, id) == 1 then
      n = n + 1
      r('HINCRBY', base .. ':stats', 'purged', 1)
    end
  end
end
return n
`;

/**
 * Table rows of envelopes without their payloads; the failedReason is cut at a cap (it can be huge).
 * ARGV: 1 dlq key prefix, 2 text cap, 3… ids. Returns per id { id, dq, dj, name, failedReason, finishedOn,
 * atm, dg, dca, pb, full failedReason length } or false when the envelope is gone.
 */
export const ROWS_LUA = `
local r = redis.call
local dlq, cap = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local f = r('HMGET', dlq .. id, 'dq', 'dj', 'name', 'failedReason', 'finishedOn', 'atm', 'dg', 'dca', 'pb')
  if f[1] then
    local reason = f[4] or ''
    local len = string.len(reason)
    if len > cap then reason = string.sub(reason, 1, cap) end
    out[#out + 1] = { id, f[1], f[2] or '', f[3] or '', reason, f[5] or '', f[6] or '0', f[7] or '', f[8] or '', f[9] or '', len }
  else
    out[#out + 1] = false
  end
end
return out
`;

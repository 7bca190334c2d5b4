// Read-only Lua of the schedules page, registered on a connection's client on first use (EVALSHA),
// so one queue costs one call and a connection's queues go in one pipeline.
import 'server-only';
import type { Redis, Result } from 'ioredis';

// One page of a queue's "repeat" zset (soonest first) with each entry's metadata fields; the
// template data only when it is at most ARGV[2] bytes (HSTRLEN first, never a large HGET).
// KEYS[1] queue prefix "<prefix>:<queue>:"  ARGV[1] max entries  ARGV[2] data cap in bytes
// → { total, { id, score, hashExists, name, ic, limit, startDate, endDate, tz, pattern, every, offset, opts, dataLen, data }… }
const SCHEDULERS_PAGE_LUA = `
local r = redis.call
local repeatKey = KEYS[1] .. 'repeat'
local out = { r('ZCARD', repeatKey) }
local entries = r('ZRANGE', repeatKey, 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local cap = tonumber(ARGV[2])
for i = 1, #entries, 2 do
  local h = repeatKey .. ':' .. entries[i]
  local f = r('HMGET', h, 'name', 'ic', 'limit', 'startDate', 'endDate', 'tz', 'pattern', 'every', 'offset', 'opts')
  local row = { entries[i], entries[i + 1], r('EXISTS', h) }
  for j = 1, 10 do row[#row + 1] = f[j] or '' end
  local len = r('HSTRLEN', h, 'data')
  row[#row + 1] = len
  if len > 0 and len <= cap then row[#row + 1] = r('HGET', h, 'data') else row[#row + 1] = '' end
  out[#out + 1] = row
end
return out
`;

// The newest finished jobs produced by the given schedulers: a bounded look at the last ARGV[1]
// completed and failed jobs; only ids starting "repeat:" (BullMQ's scheduler job ids) are opened,
// and only their "rjk" field is read. At most ARGV[2] per scheduler and state.
// KEYS[1] queue prefix  ARGV[1] depth  ARGV[2] per-scheduler cap  ARGV[3…] scheduler ids
// → { { schedulerId, jobId, state, finishedOn }… }
const SCHEDULE_OUTCOMES_LUA = `
local r = redis.call
local p = KEYS[1]
local depth = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local wanted = {}
for i = 3, #ARGV do wanted[ARGV[i]] = true end
local out = {}
for _, state in ipairs({ 'completed', 'failed' }) do
  local seen = {}
  local entries = r('ZREVRANGE', p .. state, 0, depth - 1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    local id = entries[i]
    if string.sub(id, 1, 7) == 'repeat:' then
      local rjk = r('HGET', p .. id, 'rjk')
      if rjk and wanted[rjk] and (seen[rjk] or 0) < cap then
        seen[rjk] = (seen[rjk] or 0) + 1
        out[#out + 1] = { rjk, id, state, entries[i + 1] }
      end
    end
  end
end
return out
`;

// Restores a resumed scheduler's iteration counter: BullMQ's upsert starts "ic" at 1 and has no option
// for it. Adds (paused count - 1) rather than setting it, so a job a worker took meanwhile still
// counts; only while that scheduler exists. KEYS[1] "<prefix>:<queue>:repeat"  ARGV[1] id  ARGV[2] add
const RESTORE_ITERATION_COUNT_LUA = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return redis.call('HINCRBY', KEYS[1] .. ':' .. ARGV[1], 'ic', ARGV[2])
end
return -1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverSchedulersPage(queuePrefix: string, max: number, dataCap: number): Result<[number, ...Array<Array<string | number>>], Context>;
    droverScheduleOutcomes(queuePrefix: string, depth: number, cap: number, ...ids: string[]): Result<Array<[string, string, string, string]>, Context>;
    droverRestoreIterationCount(repeatKey: string, id: string, add: number): Result<number, Context>;
  }
}

const SCRIPTS = {
  droverSchedulersPage: SCHEDULERS_PAGE_LUA,
  droverScheduleOutcomes: SCHEDULE_OUTCOMES_LUA,
  droverRestoreIterationCount: RESTORE_ITERATION_COUNT_LUA,
};

/** The client with the schedule scripts defined (idempotent). */
export function withScheduleScripts(client: Redis): Redis {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: 1, lua });
  }
  return client;
}

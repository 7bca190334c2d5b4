// Captures one failed job as an envelope of the dead-letter queue (lib/dlq/capture.ts).
// Every DLQ script changes an envelope and its indexes (lib/keys.ts: KEYS.deadLetters) in one call, so
// the counts on the DLQ page never disagree with the envelopes, whatever crashes. KEYS[1] is always the
// DLQ's index base "drover:dlq:<prefix>:<dlq>"; every other key shares the prefix's hash tag on a
// cluster (the same convention as lib/redis/lua).
//
// The envelope is a BullMQ job hash in the DLQ queue's failed set (a state no worker consumes) with the
// origin's failedReason, stacktraces, attempts and times, so the ordinary job view shows it; its data is
// the envelope JSON. Idempotent: the origin gets a marker field "drover:dlq" = envelope id, and an
// existing envelope is never written twice.
// ARGV: 1 dlq key prefix "<prefix>:<dlq>:", 2 origin key prefix "<prefix>:<queue>:", 3 origin queue,
// 4 origin job id, 5 expected attempts made, 6 envelope id, 7 group id, 8 group pattern, 9 sample reason,
// 10 failedAt, 11 now, 12 envelope JSON, 13 name, 14 failedReason, 15 stacktrace JSON, 16 processedOn,
// 17 attemptsStarted, 18 processedBy, 19 allow a missing origin (1: it was removed on fail), 20 events max
// length, 21 origin timestamp, 22 captured by, 23 origin options JSON (kept apart from the data, so the
// page shows them without loading the payload), 24 the origin's attempt records key (lib/attempts),
// 25 log lines copied at most, 26 bytes kept per log line.
// The dead letter's page shows the origin's attempts and logs, which do not outlive it: the attempt
// records expire (14 days) and BullMQ deletes a job's logs with the job (removeOnFail, removeOrigin). So
// the envelope hash keeps a bounded copy: "datt" (the attempt records, JSON array of their JSON), "dlog"
// (the last log lines, JSON array, each cut) and "dlogn" (how many lines the origin had).
// Returns captured | duplicate | not-failed | changed | missing.
import type { LuaScript } from '@/lib/redis/lua-scripts';

export const dlqCaptureScript: LuaScript = { name: 'droverDlqCapture', numberOfKeys: 1, lua: `
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
local attempts = r('LRANGE', ARGV[24], 0, 24)
if #attempts > 0 then fields[#fields + 1] = 'datt'; fields[#fields + 1] = cjson.encode(attempts) end
local logsKey = originKey .. ':logs'
local logCount = r('LLEN', logsKey)
fields[#fields + 1] = 'dlogn'; fields[#fields + 1] = tostring(logCount)
if logCount > 0 then
  local lines = r('LRANGE', logsKey, -tonumber(ARGV[25]), -1)
  local maxBytes = tonumber(ARGV[26])
  for i = 1, #lines do
    if #lines[i] > maxBytes then lines[i] = string.sub(lines[i], 1, maxBytes) .. '…' end
  end
  fields[#fields + 1] = 'dlog'; fields[#fields + 1] = cjson.encode(lines)
end
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
` };

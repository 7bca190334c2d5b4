// The Lua a job query's scripts (search-chunk-1.ts, match-ids-1.ts) put at the start of their source, as
// BullMQ's scripts take theirs from commands/includes/: a JobPredicate, planned by
// lib/store/redis/query-plan.ts, evaluated on one job hash. The semantics are lib/jobs/query/ast.ts's.
// compilePredicate(planJson) decodes the plan once per call and returns P:
//   P.matches(jobKey, id) → true when every clause holds (clauses run in the plan's order, cheap first,
//     so the first that fails spares the rest: one HMGET for the small fields, HSTRLEN before any big
//     field, cjson.decode only when a path clause is reached, logs last);
//   P.bytes → bytes read (and decoded, weighted) since the caller last reset it, so a caller checks its
//     time budget at once after big fields, not only every 16 jobs.
// Fields over 1 MB are never read (false); text is folded with string.lower (ASCII only). Paths are read
// with ./json-path.ts (the value's text for contains: jsonText).
import { JSON_PATH } from './json-path';

export const JOB_PREDICATE = `${JSON_PATH}
local function compilePredicate(planJson)
  local plan = cjson.decode(planJson)
  local r = redis.call
  local lower, find = string.lower, string.find
  local MAX_FIELD = 1048576
  local null = cjson.null
  local hfields = plan.h
  local P = { bytes = 0 }
  -- Per job: its key and id, the HMGET answer, raw / lower-cased / decoded big fields, log lines.
  local key, jobId, h, raw, low, dec, logs

  local function small(i)
    if not h then h = r('HMGET', key, unpack(hfields)) end
    local v = h[i]
    if not v or #v > MAX_FIELD then return nil end
    return v
  end
  local function rawField(f)
    if not raw then raw = {} end
    local v = raw[f]
    if v == nil then
      local len = r('HSTRLEN', key, f)
      if len == 0 or len > MAX_FIELD then v = false
      else
        v = r('HGET', key, f)
        P.bytes = P.bytes + len
      end
      raw[f] = v
    end
    return v
  end
  local function contains(f, needle)
    if not low then low = {} end
    local v = low[f]
    if v == nil then
      v = rawField(f)
      if v then v = lower(v) end
      low[f] = v
    end
    return v and find(v, needle, 1, true) ~= nil
  end
  -- { value } (JSON false and null are values), or false when absent, too big or not JSON.
  local function decoded(f)
    if not dec then dec = {} end
    local v = dec[f]
    if v == nil then
      v = false
      local s = rawField(f)
      if s then
        P.bytes = P.bytes + 4 * #s
        local ok, d = pcall(cjson.decode, s)
        if ok then v = { d } end
      end
      dec[f] = v
    end
    return v
  end
  local function compare(op, a, b)
    if op == 'gt' then return a > b end
    if op == 'gte' then return a >= b end
    if op == 'lt' then return a < b end
    if op == 'lte' then return a <= b end
    return a == b
  end
  local tests = {}
  local function clause(c)
    local t, op, value = c.t, c.o, c.v
    if t == 'id' then return function() return jobId == value end end
    if t == 'name' or t == 'worker' or t == 'parent' then
      local i = c.i
      if op == 'eq' then return function() return small(i) == value end end
      if op == 'prefix' then
        local n = #value
        return function() local v = small(i); return v ~= nil and string.sub(v, 1, n) == value end
      end
      return function() local v = small(i); return v ~= nil and find(lower(v), value, 1, true) ~= nil end
    end
    if t == 'number' then
      local i, j = c.i, c.j
      return function()
        local v = tonumber(small(i) or (j and small(j)) or 0)
        return v ~= nil and compare(op, v, value)
      end
    end
    if t == 'time' then
      local i, min, max = c.i, c.min, c.max
      return function()
        local v = tonumber(small(i) or '')
        return v ~= nil and (min == nil or v >= min) and (max == nil or v <= max)
      end
    end
    if t == 'error' then
      return function() return contains('failedReason', value) or contains('stacktrace', value) end
    end
    if t == 'any' then
      return function()
        return contains('name', value) or contains('data', value) or contains('failedReason', value)
          or contains('stacktrace', value) or contains('returnvalue', value)
      end
    end
    if t == 'raw' then
      local f = c.r
      return function() return contains(f, value) end
    end
    if t == 'logs' then
      return function()
        if not logs then
          logs = r('LRANGE', key .. ':logs', -1000, -1)
          for k = 1, #logs do
            P.bytes = P.bytes + #logs[k]
            logs[k] = lower(logs[k])
          end
        end
        for k = 1, #logs do
          if find(logs[k], value, 1, true) then return true end
        end
        return false
      end
    end
    -- 'path': navigate the decoded root; an object's keys are strings and an array's indexes integers
    -- once decoded, so a segment is looked up as a key, then (if it is a canonical index) as index + 1.
    local f, segs, idx = c.r, c.p, {}
    for k = 1, #segs do idx[k] = jsonIndexOf(segs[k]) end
    local num, quick = c.n, c.q
    return function()
      -- An eq on plain text (c.q): the raw JSON must hold that text as it is, or no decode is needed.
      if quick then
        local s = rawField(f)
        if not s or not find(s, value, 1, true) then return false end
      end
      local d = decoded(f)
      if not d then return false end
      local v = jsonAt(d[1], segs, idx)
      if v == nil then return false end
      local vt = type(v)
      if op == 'contains' then
        local s = jsonText(v)
        return s ~= nil and find(lower(s), value, 1, true) ~= nil
      end
      if op == 'eq' then
        if vt == 'string' then return v == value end
        if vt == 'number' then return num ~= nil and v == num end
        if vt == 'boolean' then return (v and 'true' or 'false') == value end
        if v == null then return value == 'null' end
        return false
      end
      return vt == 'number' and type(value) == 'number' and compare(op, v, value)
    end
  end
  local negate = {}
  for k = 1, #plan.c do
    tests[k] = clause(plan.c[k])
    negate[k] = plan.c[k].x == true
  end
  local n = #tests

  function P.matches(jobKey, id)
    key, jobId, h, raw, low, dec, logs = jobKey, id, nil, nil, nil, nil, nil
    for k = 1, n do
      local ok = tests[k]() and true or false
      if negate[k] then ok = not ok end
      if not ok then return false end
    end
    return true
  end
  return P
end
`;

// A Lua function the DLQ scripts that drop envelopes (dlq-remove-1.ts, dlq-unindex-missing-1.ts) put at
// the start of their source, as BullMQ's scripts take theirs from commands/includes/.
// unindex(base, id): unindexes one envelope id (by its "<gid>\t<queue>" entry); returns 1 when it was indexed.
export const UNINDEX = `
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

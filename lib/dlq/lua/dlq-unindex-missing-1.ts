// Unindexes ids whose envelope is gone (removed outside Drover, e.g. another dashboard's Remove on the DLQ
// queue), for the retention pass. An id whose envelope exists is left alone, so a capture racing the
// check is never undone. Counted as purged, so captured − requeued − purged − expired stays the size.
// KEYS[1] the DLQ's index base (see dlq-capture-1.ts).
// ARGV: 1 dlq key prefix, 2… ids. Returns how many were unindexed.
import type { LuaScript } from '@/lib/redis/lua-scripts';
import { UNINDEX } from './includes/unindex';

export const dlqUnindexMissingScript: LuaScript = { name: 'droverDlqUnindexMissing', numberOfKeys: 1, lua: `${UNINDEX}
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
` };

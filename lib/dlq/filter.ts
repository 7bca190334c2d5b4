// A Redis connection's dead-letter target (its client, prefix and DLQ name), and the filter's schema.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { DeadLetterTarget } from './capture';

export { deadLetterFilterSchema, errorGroupIdSchema, type DeadLetterFilter } from './schemas';

export function deadLetterTarget(conn: Connection): DeadLetterTarget {
  return { redis: conn.redis, prefix: conn.prefix, deadLetterQueue: conn.config.deadLetterQueue };
}

// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverAuditAppend(stream: string, aggKey: string, counts: string, countIndex: string, entry: string, now: number, windowMs: number, maxLen: number, aggregate: '0' | '1'): Result<[string, number], Context>;
  }
}

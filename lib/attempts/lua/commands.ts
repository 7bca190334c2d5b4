// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverAttemptBatch(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Result<number, Context>;
  }
}

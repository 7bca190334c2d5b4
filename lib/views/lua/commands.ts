// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverSaveView(viewsKey: string, toSetKey: string, fromSetKey: string, id: string, json: string, max: number, expected: string): Result<number, Context>;
  }
}

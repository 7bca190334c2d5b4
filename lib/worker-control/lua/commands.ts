// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverWorkerSettingUpdate(key: string, queue: string, concurrency: string, paused: string, max: number): Result<number, Context>;
  }
}

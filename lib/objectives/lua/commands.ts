// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverSaveObjectives(objectivesKey: string, scope: string, json: string, maxScopes: number): Result<number, Context>;
  }
}

// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverSchedulersPage(queuePrefix: string, max: number, dataCap: number): Result<[number, ...Array<Array<string | number>>], Context>;
    droverScheduleOutcomes(queuePrefix: string, depth: number, cap: number, ...ids: string[]): Result<Array<[string, string, string, string]>, Context>;
    droverRestoreIterationCount(repeatKey: string, id: string, add: number): Result<number, Context>;
  }
}

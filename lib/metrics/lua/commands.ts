// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverAppendSample(
      fineKey: string,
      minuteKey: string,
      now: number,
      keepFineFrom: number,
      keepMinuteFrom: number,
      fineTtlMs: number,
      minuteTtlMs: number,
      ...fields: Array<string | number>
    ): Result<number, Context>;
    droverRenewLock(lockKey: string, instanceId: string, ttlMs: number): Result<number, Context>;
    droverReleaseLock(lockKey: string, instanceId: string): Result<number, Context>;
  }
}

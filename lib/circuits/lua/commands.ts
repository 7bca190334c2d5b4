// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverCircuitRead(key: string): Result<[string, string, [string, string]], Context>;
    droverCircuitSwap(
      key: string,
      closedIndex: string,
      heldIndex: string,
      destination: string,
      version: number,
      json: string,
      ttlMs: number,
      held: '0' | '1',
      heldMax: number,
      recordsMax: number,
      heldIdleMs: number,
      heldEvictMax: number,
    ): Result<[number, ...string[]], Context>;
  }
}

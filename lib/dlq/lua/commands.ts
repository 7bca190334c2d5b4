// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

import type { CaptureOutcome } from '@/lib/store/dead-letter-store';

export type { CaptureOutcome };

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverDlqCapture(base: string, ...args: string[]): Result<CaptureOutcome, Context>;
    droverDlqRemove(base: string, dlqPrefix: string, counter: 'requeued' | 'purged' | 'expired', token: string, maxEvents: number, ...ids: string[]): Result<[string[], string[]], Context>;
    droverDlqClaim(base: string, dlqPrefix: string, mode: 'claim' | 'release', token: string, now: number, ttlMs: number, ...ids: string[]): Result<string[], Context>;
    droverDlqMatch(
      base: string,
      dlqPrefix: string,
      budgetMicros: number,
      queue: string,
      group: string,
      name: string,
      needle: string,
      maxMatches: number,
      originCount: number,
      ...originsThenIds: string[]
    ): Result<[number, string[]], Context>;
    droverDlqRows(base: string, dlqPrefix: string, textCap: number, ...ids: string[]): Result<Array<[string, string, string, string, string, string, string, string, string, string, number] | null>, Context>;
    droverDlqUnindexMissing(base: string, dlqPrefix: string, ...ids: string[]): Result<number, Context>;
    droverDlqReasons(base: string, dlqPrefix: string, maxBytes: number, readBudget: number, ...ids: string[]): Result<Array<string | null>, Context>;
    droverDlqRegroup(base: string, dlqPrefix: string, ...idGroupPatternSample: string[]): Result<number, Context>;
  }
}

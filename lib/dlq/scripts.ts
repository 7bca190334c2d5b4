// Registers the DLQ scripts on a client (console or worker connection) as EVALSHA commands.
import type { Redis, Result } from 'ioredis';
import { CAPTURE_LUA, CLAIM_LUA, MATCH_LUA, REMOVE_LUA, ROWS_LUA, UNINDEX_MISSING_LUA } from './lua';

export type CaptureOutcome = 'captured' | 'duplicate' | 'not-failed' | 'changed' | 'missing';

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
      ...ids: string[]
    ): Result<[number, string[]], Context>;
    droverDlqUnindexMissing(base: string, dlqPrefix: string, ...ids: string[]): Result<number, Context>;
    droverDlqRows(base: string, dlqPrefix: string, textCap: number, ...ids: string[]): Result<Array<[string, string, string, string, string, string, string, string, string, string, number] | null>, Context>;
  }
}

const SCRIPTS = {
  droverDlqCapture: CAPTURE_LUA,
  droverDlqRemove: REMOVE_LUA,
  droverDlqClaim: CLAIM_LUA,
  droverDlqMatch: MATCH_LUA,
  droverDlqRows: ROWS_LUA,
  droverDlqUnindexMissing: UNINDEX_MISSING_LUA,
} as const;

/** Adds the DLQ scripts to a client (idempotent) and returns it. */
export function withDeadLetterScripts(client: Redis): Redis {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: 1, lua });
  }
  return client;
}

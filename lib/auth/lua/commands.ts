// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverReserveSignin(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Result<[number, number?, number?], Context>;
    droverSwapUserRecord(usersKey: string, email: string, expected: string, next: string): Result<number, Context>;
    droverKeepOnlySession(sessionsKey: string, keepSid: string): Result<number, Context>;
    droverCreateApiToken(tokensKey: string, idsKey: string, namesKey: string, digest: string, id: string, nameKey: string, record: string, ...legacyPairs: string[]): Result<string | null, Context>;
    droverRevokeApiToken(tokensKey: string, idsKey: string, lastUsedKey: string, namesKey: string, id: string, nameKey: string): Result<string | null, Context>;
  }
}

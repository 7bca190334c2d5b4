// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverClaimDelivery(key: string, holder: string, now: number, leaseMs: number, maxTries: number, keepMs: number): Result<string | null, Context>;
    droverFinishDelivery(key: string, holder: string, json: string, keepMs: number): Result<number, Context>;
    droverAdoptEpisode(key: string, episode: number, keepMs: number, windowMs: number): Result<string, Context>;
    droverCloseEpisode(key: string, episode: number): Result<number, Context>;
    droverSaveChannel(key: string, id: string, json: string, max: number): Result<number, Context>;
    droverReserveChannelTest(lastKey: string, windowKey: string, everyMs: number, windowMs: number, limit: number, member: string): Result<number[], Context>;
  }
}

// The ioredis typing of the commands this folder's scripts (one module each, beside this file) become.
import type { Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverQueueSummaries(numberOfKeys: number, ...queuePrefixesThenMetricPoints: Array<string | number>): Result<string, Context>;
    droverJobSummaries(queuePrefix: string, textCap: number, ...ids: string[]): Result<unknown[][], Context>;
    droverJobDetail(jobKey: string, cap: number): Result<Array<[string, string, number?]> | null, Context>;
    droverJobField(jobKey: string, field: string, limit: number): Result<[number, string] | null, Context>;
    droverJobState(queuePrefix: string, id: string): Result<string, Context>;
    droverSearchChunk(
      queuePrefix: string,
      stateKey: string,
      kind: 'list' | 'zset',
      order: 'desc' | 'asc',
      position: number,
      maxScan: number,
      budgetMicros: number,
      maxMatches: number,
      plan: string,
      finishedMin: string,
      finishedMax: string,
    ): Result<[number, number, number, string[]], Context>;
    droverMatchIds(queuePrefix: string, budgetMicros: number, plan: string, ...ids: string[]): Result<[number, string[]], Context>;
    droverExtractPaths(queuePrefix: string, budgetMicros: number, maxBytes: number, paths: string, ...ids: string[]): Result<[number, Array<Array<string | null>>], Context>;
    droverFailJob(queuePrefix: string, id: string, reason: string, now: number, maxEvents: number): Result<number, Context>;
    droverHashFields(hashKey: string, count: number): Result<string[], Context>;
    droverStreamLastId(streamKey: string): Result<string, Context>;
    droverCountStreamEvents(streamKey: string, end: string, start: string, count: number, event: string): Result<[number, number, string], Context>;
  }
}

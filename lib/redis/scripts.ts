// Drover's own Lua scripts (all read-only except droverFailJob), registered on console clients with defineCommand (EVALSHA).
import type { Redis, Result } from 'ioredis';
import { QUEUE_SUMMARY_LUA } from './lua/queue-summary';
import { JOB_SUMMARIES_LUA } from './lua/job-summaries';
import { JOB_DETAIL_LUA, JOB_FIELD_LUA } from './lua/job-detail';
import { JOB_STATE_LUA } from './lua/job-state';
import { SEARCH_CHUNK_LUA } from './lua/search-chunk';
import { FAIL_JOB_LUA } from './lua/fail-job';
import { HASH_FIELDS_LUA } from './lua/hash-fields';
import { STREAM_LAST_ID_LUA } from './lua/stream-last-id';

const SCRIPTS = {
  droverQueueSummary: QUEUE_SUMMARY_LUA,
  droverJobSummaries: JOB_SUMMARIES_LUA,
  droverJobDetail: JOB_DETAIL_LUA,
  droverJobField: JOB_FIELD_LUA,
  droverJobState: JOB_STATE_LUA,
  droverSearchChunk: SEARCH_CHUNK_LUA,
  droverFailJob: FAIL_JOB_LUA,
  droverHashFields: HASH_FIELDS_LUA,
  droverStreamLastId: STREAM_LAST_ID_LUA,
} as const;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    droverQueueSummary(queuePrefix: string, metricPoints: number): Result<unknown[], Context>;
    droverJobSummaries(queuePrefix: string, textCap: number, ...ids: string[]): Result<unknown[][], Context>;
    droverJobDetail(jobKey: string, cap: number): Result<Array<[string, string, number?]> | null, Context>;
    droverJobField(jobKey: string, field: string, limit: number): Result<[number, string] | null, Context>;
    droverJobState(queuePrefix: string, id: string): Result<string, Context>;
    droverSearchChunk(
      queuePrefix: string,
      stateKey: string,
      kind: 'list' | 'zset',
      order: 'desc' | 'asc',
      offset: number,
      maxIds: number,
      budgetMicros: number,
      field: string,
      needle: string,
      maxMatches: number,
      exact: string,
    ): Result<[number, number, number, string[]], Context>;
    droverFailJob(queuePrefix: string, id: string, reason: string, now: number, maxEvents: number): Result<number, Context>;
    droverHashFields(hashKey: string, count: number): Result<string[], Context>;
    droverStreamLastId(streamKey: string): Result<string, Context>;
  }
}

/** Adds Drover's scripts to a client (idempotent). */
export function defineDroverScripts(client: Redis): Redis {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: 1, lua });
  }
  return client;
}

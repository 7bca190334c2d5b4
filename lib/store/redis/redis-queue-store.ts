// The Redis side of the store seam: BullMQ's keys read with Drover's Lua (lib/redis/lua) in pipelines,
// SCAN in bounded batches for discovery (never KEYS).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { isCluster, masterNodes } from '@/lib/redis/create-client';
import { KEYS } from '@/lib/keys';
import { STATE_STORE, type JobState } from '@/lib/jobs/job-states';
import { LIST_TEXT_CAP, parseSummaryRow, type JobSummary } from '@/lib/jobs/job-summary';
import { DETAIL_FIELD_CAP, parseJobDetailFields } from '@/lib/jobs/get-job';
import { METRIC_POINTS, parseQueueSummary, type QueueSummary } from '@/lib/queues/queue-summary';
import type { JobField } from '@/lib/jobs/schemas';
import { readAttempts } from '@/lib/attempts/read-attempts';
import type { Attempt } from '@/lib/attempts/attempt';
import { readRedisWorkersByQueue, type WorkerInfo } from '@/lib/queues/workers-by-queue';
import { getRedisInfo, type RedisInfo } from '@/lib/queues/redis-info';
import type { JobHandleFields, JobPageSlice, JobTiming, MetricsRecord, QueueStore, ScanPosition } from '../queue-store';
import { parseMetricsMeta } from '@/lib/queues/throughput';
import type { QueueEventReader } from '../event-reader';
import { RedisSchedules } from './redis-schedules';
import { EventStreamReader } from '@/lib/events/event-stream-reader';
import { RedisActions } from './redis-actions';
import { RedisSearch } from './redis-search';
import { RedisDeadLetters } from './redis-dead-letters';

const SCAN_COUNT = 1000;
/** Queues per summary script call: ~1.5 ms of Redis time each, so other clients never wait long behind one. */
const SUMMARY_BATCH = 100;
/** Stream entries one droverCountStreamEvents call looks at: a short script, several calls for a long scan. */
const EVENT_COUNT_CHUNK = 500;

/** Escapes glob characters so a prefix like "{bull}" or "a*b" matches itself only. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export class RedisQueueStore implements QueueStore {
  readonly kind = 'redis' as const;
  readonly schedules: RedisSchedules;
  readonly actions: RedisActions;
  readonly search: RedisSearch;
  private deadLetterStore?: RedisDeadLetters;
  constructor(private readonly conn: Connection) {
    this.schedules = new RedisSchedules(conn);
    this.actions = new RedisActions(conn);
    this.search = new RedisSearch(conn);
  }

  /** Made on first use (the Redis client is made lazily too). */
  get deadLetters(): RedisDeadLetters {
    this.deadLetterStore ??= new RedisDeadLetters(this.conn.redis, this.conn.prefix, this.conn.config.deadLetterQueue);
    return this.deadLetterStore;
  }

  async scanQueueNames(deadline: number, resume?: ScanPosition): Promise<{ names: Set<string>; complete: boolean; resume?: ScanPosition }> {
    const conn = this.conn;
    const prefix = `${conn.prefix}:`;
    const match = `${escapeGlob(prefix)}*:meta`;
    const names = new Set<string>();
    // On a Redis Cluster every master holds part of the keyspace: scan each of them.
    const nodes = await masterNodes(conn.redis);
    // A resumed scan continues on the node and at the cursor where the last one stopped (a cluster whose
    // masters changed meanwhile starts over).
    const start = resume && resume.node < nodes.length ? resume : { node: 0, cursor: '0' };
    for (let n = start.node; n < nodes.length; n++) {
      let cursor = n === start.node ? start.cursor : '0';
      do {
        const [next, keys] = await nodes[n].scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
        cursor = next;
        for (const key of keys) {
          const name = key.slice(prefix.length, -':meta'.length);
          // "<prefix>:a:b:meta" would be a job or sub-key, not a queue: queue names have no ':'.
          if (name && !name.includes(':')) names.add(name);
        }
        if (Date.now() > deadline) {
          const more = cursor !== '0' || n + 1 < nodes.length;
          if (more) return { names, complete: false, resume: cursor !== '0' ? { node: n, cursor } : { node: n + 1, cursor: '0' } };
        }
      } while (cursor !== '0');
    }
    return { names, complete: true };
  }

  /**
   * SUMMARY_BATCH queues per script call (one JSON answer each), all calls in one pipeline (one round
   * trip); on a Redis Cluster one queue per call, since queues' keys may live on different nodes.
   */
  async queueSummaries(queues: string[], now: number): Promise<QueueSummary[]> {
    if (queues.length === 0) return [];
    const conn = this.conn;
    const batch = isCluster(conn.redis) ? 1 : SUMMARY_BATCH;
    const pipeline = conn.redis.pipeline();
    for (let i = 0; i < queues.length; i += batch) {
      const prefixes = queues.slice(i, i + batch).map((q) => conn.queuePrefix(q));
      pipeline.droverQueueSummaries(prefixes.length, ...prefixes, METRIC_POINTS);
    }
    const results = (await pipeline.exec()) ?? [];
    const out: QueueSummary[] = [];
    for (let call = 0; call * batch < queues.length; call++) {
      const [err, value] = results[call] ?? [new Error('no reply')];
      if (err) throw err;
      const rows = JSON.parse(String(value)) as unknown[][];
      rows.forEach((raw, j) => out.push(parseQueueSummary(conn.name, queues[call * batch + j], raw, now)));
    }
    return out;
  }

  async queueExtras(queue: string): Promise<{ schedulers: number; rateLimitTtl: number }> {
    const pipeline = this.conn.redis.pipeline();
    pipeline.zcard(this.conn.key(queue, 'repeat'));
    pipeline.pttl(this.conn.key(queue, 'limiter'));
    const extra = await pipeline.exec();
    const ttl = Number(extra?.[1]?.[1] ?? -2);
    return { schedulers: Number(extra?.[0]?.[1] ?? 0), rateLimitTtl: ttl > 0 ? ttl : 0 };
  }

  async jobPage(queue: string, state: JobState, order: 'desc' | 'asc', start: number, size: number): Promise<JobPageSlice> {
    const { total, ids } = await this.rangeIds(queue, state, order, start, start + size - 1);
    return { total, jobs: await this.jobSummaries(queue, ids) };
  }

  /** Ids at ranks [start, end] of a state, in the requested direction. */
  async rangeIds(queue: string, state: JobState, order: 'desc' | 'asc', start: number, end: number): Promise<{ total: number; ids: string[] }> {
    const { key, kind } = STATE_STORE[state];
    const fullKey = this.conn.key(queue, key);
    const pipeline = this.conn.redis.pipeline();
    if (kind === 'list') {
      pipeline.llen(fullKey);
      if (order === 'desc') pipeline.lrange(fullKey, start, end);
      else pipeline.lrange(fullKey, -(end + 1), -(start + 1));
    } else {
      pipeline.zcard(fullKey);
      if (order === 'desc') pipeline.zrevrange(fullKey, start, end);
      else pipeline.zrange(fullKey, String(start), String(end));
    }
    const [[e1, total], [e2, ids]] = (await pipeline.exec()) as [[Error | null, number], [Error | null, string[]]];
    if (e1) throw e1;
    if (e2) throw e2;
    return { total, ids: kind === 'list' && order === 'asc' ? [...ids].reverse() : ids };
  }

  async jobSummaries(queue: string, ids: string[]): Promise<JobSummary[]> {
    if (ids.length === 0) return [];
    const rows = await this.conn.redis.droverJobSummaries(this.conn.queuePrefix(queue), LIST_TEXT_CAP, ...ids);
    return rows.map(parseSummaryRow).filter((r): r is JobSummary => r !== null);
  }

  async jobDetail(queue: string, id: string) {
    const conn = this.conn;
    const jobKey = conn.key(queue, id);
    const pipeline = conn.redis.pipeline();
    pipeline.droverJobDetail(jobKey, DETAIL_FIELD_CAP);
    pipeline.droverJobState(conn.queuePrefix(queue), id);
    pipeline.hlen(`${jobKey}:processed`);
    pipeline.scard(`${jobKey}:dependencies`);
    pipeline.hlen(`${jobKey}:failed`);
    pipeline.zcard(`${jobKey}:unsuccessful`);
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    const rows = results[0][1] as Array<[string, string, number?]> | null;
    if (!rows) return null;
    const fields: Record<string, string> = {};
    const truncated: Record<string, number> = {};
    for (const [name, value, fullSize] of rows) {
      fields[name] = value;
      if (fullSize) truncated[name] = Number(fullSize);
    }
    return parseJobDetailFields(conn.prefix, id, fields, truncated, String(results[1][1]), {
      processed: Number(results[2][1]),
      unprocessed: Number(results[3][1]),
      ignored: Number(results[4][1]),
      failed: Number(results[5][1]),
    });
  }

  async jobField(queue: string, id: string, field: JobField, limit: number): Promise<{ size: number; text: string } | null> {
    const result = await this.conn.redis.droverJobField(this.conn.key(queue, id), field, limit);
    if (!result) return null;
    const [size, text] = result;
    return { size: Number(size), text };
  }

  async jobLogs(queue: string, id: string, start: number, end: number): Promise<{ count: number; logs: string[] }> {
    const key = this.conn.key(queue, id, 'logs');
    const pipeline = this.conn.redis.pipeline();
    pipeline.llen(key);
    pipeline.lrange(key, start, end);
    const [[e1, count], [e2, logs]] = (await pipeline.exec()) as [[Error | null, number], [Error | null, string[]]];
    if (e1 || e2) throw e1 ?? e2;
    return { count, logs };
  }

  async jobHandles(queue: string, ids: string[]): Promise<Array<JobHandleFields | null>> {
    const conn = this.conn;
    const pipeline = conn.redis.pipeline();
    for (const id of ids) {
      pipeline.hmget(conn.key(queue, id), 'name', 'opts');
      pipeline.droverJobState(conn.queuePrefix(queue), id);
    }
    const results = (await pipeline.exec()) ?? [];
    return ids.map((_id, i) => {
      const [e1, fields] = results[i * 2] ?? [null, [null, null]];
      const [e2, state] = results[i * 2 + 1] ?? [null, 'missing'];
      if (e1 || e2) throw e1 ?? e2;
      const [name, opts] = fields as [string | null, string | null];
      if (String(state) === 'missing' || name === null) return null;
      return { name, opts: opts ?? '{}', state: String(state) };
    });
  }

  async jobStates(queue: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const pipeline = this.conn.redis.pipeline();
    for (const id of ids) pipeline.droverJobState(this.conn.queuePrefix(queue), id);
    const results = (await pipeline.exec()) ?? [];
    return ids.map((_, i) => {
      const [err, state] = results[i] ?? [new Error('no reply')];
      if (err) throw err;
      return String(state);
    });
  }

  async pendingChildren(queue: string, id: string): Promise<number> {
    return this.conn.redis.scard(this.conn.key(queue, id, 'dependencies'));
  }

  workersByQueue(): Promise<Map<string, WorkerInfo[]>> {
    return readRedisWorkersByQueue(this.conn);
  }

  /** ZCOUNT of each failed set over the window: BullMQ scores it by finish time (O(log n) each, one pipeline). */
  async recentFailedCounts(queues: string[], from: number): Promise<Array<number | null>> {
    const pipeline = this.conn.redis.pipeline();
    for (const q of queues) pipeline.zcount(this.conn.key(q, 'failed'), String(from), '+inf');
    const results = (await pipeline.exec()) ?? [];
    return queues.map((_, i) => {
      const [err, count] = results[i] ?? [new Error('no reply')];
      return err ? null : Number(count);
    });
  }

  serverInfo(fresh: boolean): Promise<RedisInfo | null> {
    return getRedisInfo(this.conn, fresh);
  }

  attempts(queue: string, id: string): Promise<Attempt[]> {
    return readAttempts(this.conn.redis, this.conn.prefix, queue, id);
  }

  openEventReader(): QueueEventReader {
    return new EventStreamReader(this.conn.name);
  }

  /** One EXISTS of each queue's meta hash, pipelined. */
  async queuesExist(queues: string[]): Promise<boolean[]> {
    if (queues.length === 0) return [];
    const pipeline = this.conn.redis.pipeline();
    for (const q of queues) pipeline.exists(this.conn.key(q, 'meta'));
    const results = (await pipeline.exec()) ?? [];
    return queues.map((_, i) => {
      const [err, count] = results[i] ?? [new Error('no reply')];
      if (err) throw err;
      return Number(count) > 0;
    });
  }

  async metrics(queue: string, points: number): Promise<{ completed: MetricsRecord; failed: MetricsRecord; exists: boolean }> {
    const p = this.conn.queuePrefix(queue);
    const pipeline = this.conn.redis.pipeline();
    pipeline.hmget(`${p}metrics:completed`, 'count', 'prevTS', 'prevCount');
    pipeline.lrange(`${p}metrics:completed:data`, 0, points - 1);
    pipeline.hmget(`${p}metrics:failed`, 'count', 'prevTS', 'prevCount');
    pipeline.lrange(`${p}metrics:failed:data`, 0, points - 1);
    pipeline.exists(`${p}meta`);
    const results = (await pipeline.exec()) ?? [];
    const value = (i: number) => {
      const [err, v] = results[i] ?? [new Error('no reply')];
      if (err) throw err;
      return v;
    };
    return {
      completed: { meta: parseMetricsMeta(value(0)), data: (value(1) as string[]).map(Number) },
      failed: { meta: parseMetricsMeta(value(2)), data: (value(3) as string[]).map(Number) },
      exists: Number(value(4)) === 1,
    };
  }

  /**
   * Counted on the server (droverCountStreamEvents): newest first down to `since`, EVENT_COUNT_CHUNK
   * entries per call (each call short), at most maxScan entries; only the counts cross the wire.
   */
  async recentEventCount(queue: string, event: string, since: number, maxScan: number): Promise<number> {
    const key = this.conn.key(queue, 'events');
    let end = '+';
    let scanned = 0;
    let count = 0;
    while (scanned < maxScan) {
      const chunk = Math.min(EVENT_COUNT_CHUNK, maxScan - scanned);
      const [matches, looked, last] = await this.conn.redis.droverCountStreamEvents(key, end, String(since), chunk, event);
      count += Number(matches);
      scanned += Number(looked);
      if (Number(looked) < chunk || !last) break;
      end = `(${last}`;
    }
    return count;
  }

  /** The newest ids of the completed set, then their three times (and names when asked) in one pipeline; jobs removed meanwhile are left out. */
  async recentCompletedTimings(queue: string, count: number, opts: { names?: boolean } = {}): Promise<JobTiming[]> {
    const ids = await this.conn.redis.zrevrange(this.conn.key(queue, 'completed'), 0, count - 1);
    if (ids.length === 0) return [];
    const pipeline = this.conn.redis.pipeline();
    const fields = opts.names === false ? ['timestamp', 'processedOn', 'finishedOn'] : ['timestamp', 'processedOn', 'finishedOn', 'name'];
    for (const id of ids) pipeline.hmget(this.conn.key(queue, id), ...fields);
    const timings: JobTiming[] = [];
    for (const [err, value] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      const [timestamp, processedOn, finishedOn, name] = value as Array<string | null | undefined>;
      const num = (v: string | null | undefined) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));
      if (timestamp === null && processedOn === null && finishedOn === null) continue;
      timings.push({ name: name ?? '', timestamp: num(timestamp), processedOn: num(processedOn), finishedOn: num(finishedOn) });
    }
    return timings;
  }

  /** LLEN of each active list, one pipeline. */
  async activeCounts(queues: string[]): Promise<number[]> {
    if (queues.length === 0) return [];
    const pipeline = this.conn.redis.pipeline();
    for (const queue of queues) pipeline.llen(this.conn.key(queue, 'active'));
    return ((await pipeline.exec()) ?? []).map(([err, length]) => (err ? 0 : Number(length)));
  }

  /** BullMQ pushes on the left: the tail of the active list holds the jobs that have run longest. */
  async longestActiveIds(queue: string, count: number): Promise<string[]> {
    return (await this.conn.redis.lrange(this.conn.key(queue, 'active'), -count, -1)).reverse();
  }

  async ping(): Promise<void> {
    await this.conn.redis.ping();
  }

  async probeWrite(): Promise<void> {
    await this.conn.redis.set(KEYS.writeProbe(this.conn.prefix), Date.now(), 'PX', 10_000);
  }

  async close(): Promise<void> {
    /* the connection owns the Redis client */
  }
}

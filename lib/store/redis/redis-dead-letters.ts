// The dead-letter queue on Redis: envelopes are BullMQ job hashes in the DLQ queue's failed set, with
// indexes (KEYS.deadLetters) kept by the Lua scripts of lib/dlq/lua. The walks, capture, sweep,
// retention and re-grouping are lib/dlq's Redis modules; this class is their face on the seam.
// Not server-only: the worker runtime captures through it.
import type { Redis } from 'ioredis';
import { KEYS } from '@/lib/keys';
import { ATTEMPTS_CAP } from '@/lib/attempts/attempt';
import { captureFailedJob, captureJobsById, dlqIndexBase, dlqKeyPrefix, type DeadLetterTarget } from '@/lib/dlq/capture';
import type { FailedJobFacts } from '@/lib/dlq/envelope';
import type { ScopedDeadLetterFilter as DeadLetterFilter } from '@/lib/dlq/schemas';
import { collectMatchingIds, findMatchingIds, isIndexOnly, planFilter } from '@/lib/dlq/filter-plan';
import { enforceRetention, sweepFailedJobs } from '@/lib/dlq/sweep';
import { isRegrouped, regroupDeadLetters } from '@/lib/dlq/regroup';
import { removeEnvelopes } from '@/lib/dlq/remove-envelopes';
import { readScoreChunk, advanceCursor, scoreChunks, type ScoreCursor } from '@/lib/dlq/score-walk';
import { failureAttempts, logsOf, num, parseJson, stringsOf } from '@/lib/dlq/detail-parts';
import { byteRounds, DLQ_ENVELOPE_ROUND_BYTES as ENVELOPE_ROUND_BYTES, DLQ_EXPORT_BYTES_PER_PULL as EXPORT_BYTES_PER_PULL, DLQ_EXPORT_PER_PULL as EXPORT_IDS_PER_PULL, DLQ_ROW_TEXT_CAP as TEXT_CAP } from '@/lib/dlq/byte-rounds';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { dlqRowsScript } from '@/lib/dlq/lua/dlq-rows-1';
import { dlqClaimScript } from '@/lib/dlq/lua/dlq-claim-1';
import type {
  CaptureOptions,
  CaptureResult,
  DeadLetterCounts,
  DeadLetterFacts,
  DeadLetterRow,
  DeadLetterRowsPage,
  DeadLetterStore,
  ErrorGroupCounts,
  ErrorGroupFacts,
  Retention,
  RemoveReason,
} from '../dead-letter-store';
import { SCOPED_GROUPS_EXAMINED } from '../dead-letter-store';

/** A scoped caller's group counts walk at most this long (besides SCOPED_GROUPS_EXAMINED). */
const SCOPED_GROUPS_MS = 2000;


export class RedisDeadLetters implements DeadLetterStore {
  readonly deadLetterQueue: string;
  private readonly t: DeadLetterTarget;

  constructor(redis: Redis, prefix: string, deadLetterQueue: string) {
    this.t = { redis, prefix, deadLetterQueue };
    this.deadLetterQueue = deadLetterQueue;
  }

  private get redis(): Redis {
    return this.t.redis;
  }

  capture(facts: FailedJobFacts, opts: CaptureOptions) {
    return captureFailedJob(this.t, facts, opts);
  }

  captureByIds(queue: string, ids: string[], opts: CaptureOptions): Promise<CaptureResult> {
    return captureJobsById(this.t, queue, ids, opts);
  }

  countFailed(queue: string, upTo: number): Promise<number> {
    return this.redis.zcount(`${this.t.prefix}:${queue}:failed`, '-inf', upTo);
  }

  async *failedIdChunks(queue: string, upTo: number, batch: number): AsyncGenerator<string[]> {
    for await (const { entries } of scoreChunks(this.redis, { key: `${this.t.prefix}:${queue}:failed`, order: 'asc', from: '-inf', to: String(upTo) }, batch)) {
      yield entries.map((e) => e.id);
    }
  }

  sweep(queue: string, opts: Parameters<DeadLetterStore['sweep']>[1]) {
    return sweepFailedJobs(this.t, queue, opts);
  }

  enforceRetention(retention: Retention, opts?: Parameters<DeadLetterStore['enforceRetention']>[1]) {
    return enforceRetention(this.t, retention, opts);
  }

  regroup(opts?: { budgetMs?: number; batch?: number }) {
    return regroupDeadLetters(this.t, opts);
  }

  isRegrouped(): Promise<boolean> {
    return isRegrouped(this.t);
  }

  private async rows(ids: string[]): Promise<DeadLetterRow[]> {
    if (ids.length === 0) return [];
    const raw = await withLuaScripts(this.redis, [dlqRowsScript]).droverDlqRows(dlqIndexBase(this.t), dlqKeyPrefix(this.t), TEXT_CAP, ...ids);
    return raw.flatMap((r) =>
      r
        ? [
            {
              id: r[0],
              queue: r[1],
              jobId: r[2],
              name: r[3],
              failedReason: r[4],
              failedReasonLength: Number(r[10]),
              failedAt: num(r[5]),
              attemptsMade: Number(r[6]) || 0,
              group: r[7],
              capturedAt: num(r[8]),
              processedBy: r[9] || null,
            },
          ]
        : [],
    );
  }

  async page(filter: DeadLetterFilter, page: number, size: number, walkMs: number): Promise<DeadLetterRowsPage> {
    const plan = planFilter(this.t, filter);
    const skip = (page - 1) * size;
    let ids: string[];
    let total: number | null;
    let hasNext: boolean;
    if (isIndexOnly(plan)) {
      const [count, found] = await Promise.all([this.redis.zcount(plan.index, plan.min, plan.max), this.redis.zrevrangebyscore(plan.index, plan.max, plan.min, 'LIMIT', skip, size)]);
      ids = found;
      total = count;
      hasNext = skip + size < count;
    } else {
      // Filters the indexes cannot answer: walk matches up to this page (+1 to know about a next one).
      const walk = await findMatchingIds(this.t, plan, { limit: skip + size + 1, deadline: Date.now() + walkMs });
      ids = walk.ids.slice(skip, skip + size);
      hasNext = walk.ids.length > skip + size || !walk.exhausted;
      total = walk.exhausted ? walk.ids.length : null;
    }
    // Envelopes removed behind Drover's back (another dashboard's Remove on the DLQ queue) are skipped
    // here, and the retention pass (lib/dlq/sweep.ts) drops their index entries. Until then an
    // index-only total counts them and a page may show fewer rows than its size; paging stays right.
    return { total, hasNext, rows: await this.rows(ids) };
  }

  async detail(id: string): Promise<DeadLetterFacts | null> {
    const t = this.t;
    const key = `${dlqKeyPrefix(t)}${id}`;
    const fields = ['dq', 'dj', 'name', 'failedReason', 'stacktrace', 'atm', 'ats', 'timestamp', 'processedOn', 'finishedOn', 'pb', 'dca', 'dcb', 'dopts', 'dg', 'datt', 'dlogn', 'dlog'] as const;
    const pipeline = this.redis.pipeline();
    pipeline.hmget(key, ...fields);
    pipeline.hstrlen(key, 'data');
    const [[e1, raw], [e2, size]] = (await pipeline.exec()) as [[Error | null, Array<string | null>], [Error | null, number]];
    if (e1 || e2) throw e1 ?? e2;
    const f = Object.fromEntries(fields.map((name, i) => [name, raw[i]])) as Record<(typeof fields)[number], string | null>;
    if (f.dq === null) return null;
    const originKey = `${t.prefix}:${f.dq}:${f.dj ?? ''}`;
    const [marker, inFailed, pattern, history] = await Promise.all([
      this.redis.hget(originKey, 'drover:dlq'),
      this.redis.zscore(`${t.prefix}:${f.dq}:failed`, f.dj ?? ''),
      f.dg ? this.redis.hget(`${dlqIndexBase(t)}:group:${f.dg}`, 'pattern') : Promise.resolve(null),
      this.redis.lrange(KEYS.jobAttempts(t.prefix, f.dq, f.dj ?? ''), 0, ATTEMPTS_CAP - 1),
    ]);
    return {
      id,
      queue: f.dq,
      jobId: f.dj ?? '',
      name: f.name ?? '',
      failedReason: f.failedReason ?? '',
      stacktrace: stringsOf(f.stacktrace),
      attemptsMade: num(f.atm) ?? 0,
      attemptsStarted: num(f.ats) ?? 0,
      timestamp: num(f.timestamp),
      processedOn: num(f.processedOn),
      failedAt: num(f.finishedOn),
      processedBy: f.pb,
      capturedAt: num(f.dca),
      capturedBy: f.dcb,
      opts: parseJson<Record<string, unknown>>(f.dopts, {}),
      group: { id: f.dg ?? '', pattern },
      envelopeSize: Number(size),
      originPresent: marker === id && inFailed !== null,
      attempts: failureAttempts(history, parseJson<unknown>(f.datt, []), num(f.timestamp), num(f.finishedOn)),
      logs: logsOf(f.dlogn, f.dlog),
    };
  }

  envelopeText(id: string): Promise<string | null> {
    return this.redis.hget(`${dlqKeyPrefix(this.t)}${id}`, 'data');
  }

  /** Read from the aggregates capture maintains: one ZREVRANGE and one pipeline, whatever the DLQ's size. */
  async groups(limit: number, origins?: Array<{ queue: string; count: number }>, maxExamined = SCOPED_GROUPS_EXAMINED): Promise<ErrorGroupCounts> {
    if (origins) return this.scopedGroups(limit, origins, maxExamined);
    const base = dlqIndexBase(this.t);
    const [ranked, total, groupCount] = await Promise.all([
      this.redis.zrevrange(`${base}:groups`, 0, limit - 1, 'WITHSCORES'),
      this.redis.zcard(`${base}:all`),
      this.redis.zcard(`${base}:groups`),
    ]);
    const ids: Array<[string, number]> = [];
    for (let i = 0; i < ranked.length; i += 2) ids.push([ranked[i], Number(ranked[i + 1])]);
    const pipeline = this.redis.pipeline();
    for (const [id] of ids) {
      pipeline.hmget(`${base}:group:${id}`, 'pattern', 'sample');
      pipeline.zrange(`${base}:group:${id}:ids`, '0', '0', 'WITHSCORES');
      pipeline.zrange(`${base}:group:${id}:ids`, '-1', '-1', 'WITHSCORES');
    }
    const replies = ids.length ? ((await pipeline.exec()) ?? []) : [];
    const groups = ids.map(([id, count], i): ErrorGroupFacts => {
      const [pattern, sample] = (replies[i * 3]?.[1] as [string | null, string | null]) ?? [null, null];
      const first = replies[i * 3 + 1]?.[1] as string[] | undefined;
      const last = replies[i * 3 + 2]?.[1] as string[] | undefined;
      return {
        id,
        pattern: pattern ?? '(unknown)',
        sample: sample ?? '',
        count,
        firstSeen: first?.length ? Number(first[1]) : null,
        lastSeen: last?.length ? Number(last[1]) : null,
      };
    });
    return { total, groupCount, groups };
  }

  /**
   * Groups over some origin queues only (a team scope): the aggregates capture keeps are DLQ-wide, so
   * each origin's index is walked newest first, reading the group of each member (pipelined per chunk),
   * bounded by SCOPED_GROUPS_EXAMINED members and SCOPED_GROUPS_MS.
   */
  private async scopedGroups(limit: number, origins: Array<{ queue: string; count: number }>, maxExamined: number): Promise<ErrorGroupCounts> {
    const base = dlqIndexBase(this.t);
    const prefix = dlqKeyPrefix(this.t);
    const deadline = Date.now() + SCOPED_GROUPS_MS;
    const tally = new Map<string, { count: number; first: number; last: number }>();
    let examined = 0;
    let partial = false;
    walk: for (const { queue } of origins) {
      let cursor: ScoreCursor | null = null;
      for (;;) {
        if (Date.now() > deadline) {
          partial = true;
          break walk;
        }
        // One more than the bound allows: a member past it means the counts are partial.
        const remaining = maxExamined - examined;
        const chunk = await readScoreChunk(this.redis, { key: `${base}:queue:${queue}:ids`, order: 'desc', from: '+inf', to: '-inf' }, cursor, Math.min(1000, remaining + 1));
        const entries = chunk.entries.slice(0, remaining);
        if (chunk.entries.length > remaining) partial = true;
        const pipeline = this.redis.pipeline();
        for (const e of entries) pipeline.hget(`${prefix}${e.id}`, 'dg');
        const replies = (await pipeline.exec()) ?? [];
        entries.forEach((e, i) => {
          const group = replies[i]?.[1] as string | null;
          if (!group) return;
          const at = Number(e.score);
          const t = tally.get(group);
          if (t) {
            t.count++;
            t.first = Math.min(t.first, at);
            t.last = Math.max(t.last, at);
          } else tally.set(group, { count: 1, first: at, last: at });
        });
        examined += entries.length;
        cursor = advanceCursor(cursor, entries);
        if (partial) break walk;
        if (chunk.done || entries.length === 0) break;
      }
    }
    const ranked = [...tally.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
    const pipeline = this.redis.pipeline();
    for (const [id] of ranked) pipeline.hmget(`${base}:group:${id}`, 'pattern', 'sample');
    const replies = ranked.length ? ((await pipeline.exec()) ?? []) : [];
    const groups = ranked.map(([id, t], i): ErrorGroupFacts => {
      const [pattern, sample] = (replies[i]?.[1] as [string | null, string | null]) ?? [null, null];
      return { id, pattern: pattern ?? '(unknown)', sample: sample ?? '', count: t.count, firstSeen: t.first, lastSeen: t.last };
    });
    const total = origins.reduce((n, o) => n + o.count, 0);
    return { total, groupCount: tally.size, groups, ...(partial ? { partial } : {}) };
  }

  async originQueues(max: number): Promise<Array<{ queue: string; count: number }>> {
    const key = `${dlqIndexBase(this.t)}:queues`;
    const out: Array<{ queue: string; count: number }> = [];
    // In chunks of 1,000: one reply never holds more, however many origin queues the DLQ has.
    for (let start = 0; start < max; start += 1000) {
      const raw = await this.redis.zrevrange(key, start, Math.min(max, start + 1000) - 1, 'WITHSCORES');
      for (let i = 0; i < raw.length; i += 2) if (Number(raw[i + 1]) > 0) out.push({ queue: raw[i], count: Number(raw[i + 1]) });
      if (raw.length < 2000) break;
    }
    return out;
  }

  async originsOf(ids: string[]): Promise<Array<string | null>> {
    if (ids.length === 0) return [];
    const prefix = dlqKeyPrefix(this.t);
    const out: Array<string | null> = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const pipeline = this.redis.pipeline();
      for (const id of ids.slice(i, i + 1000)) pipeline.hget(`${prefix}${id}`, 'dq');
      for (const [err, v] of (await pipeline.exec()) ?? []) {
        if (err) throw err;
        out.push((v as string | null) ?? null);
      }
    }
    return out;
  }

  async counts(): Promise<DeadLetterCounts> {
    const base = dlqIndexBase(this.t);
    const [total, queues, stats] = await Promise.all([
      this.redis.zcard(`${base}:all`),
      this.redis.zrevrange(`${base}:queues`, 0, 199, 'WITHSCORES'),
      this.redis.hmget(`${base}:stats`, 'captured', 'requeued', 'purged', 'expired'),
    ]);
    const byQueue: Array<{ queue: string; count: number }> = [];
    for (let i = 0; i < queues.length; i += 2) byQueue.push({ queue: queues[i], count: Number(queues[i + 1]) });
    const [captured, requeued, purged, expired] = stats.map((v) => Number(v ?? 0));
    return { total, queues: byQueue, stats: { captured, requeued, purged, expired } };
  }

  matchingIds(filter: DeadLetterFilter, max: number) {
    return collectMatchingIds(this.t, filter, max);
  }

  async *exportLines(filter: DeadLetterFilter, upTo: number): AsyncGenerator<string> {
    const t = this.t;
    const plan = planFilter(t, { ...filter, to: Math.min(filter.to ?? Infinity, upTo) });
    // A score cursor, not a rank offset: dead letters requeued or purged meanwhile cannot shift the walk.
    let cursor: ScoreCursor | null = null;
    let exhausted = false;
    let queued: string[] = [];
    for (;;) {
      if (queued.length === 0 && !exhausted) {
        const next = await findMatchingIds(t, plan, { limit: 1000, cursor });
        queued = next.ids;
        cursor = next.cursor;
        exhausted = next.exhausted;
      }
      if (queued.length === 0) return;
      const ids = queued.splice(0, EXPORT_IDS_PER_PULL);
      const sizes = await Promise.all(ids.map((id) => this.redis.hstrlen(`${dlqKeyPrefix(t)}${id}`, 'data')));
      // This pull takes the first round; the rest go back to the queue for the next.
      const [first] = byteRounds(ids.map((id, i) => ({ id, size: sizes[i] })), (e) => e.size, EXPORT_BYTES_PER_PULL);
      const take = first.map((e) => e.id);
      queued.unshift(...ids.slice(take.length));
      const rows = await Promise.all(take.map((id) => this.redis.hmget(`${dlqKeyPrefix(t)}${id}`, 'data', 'dg')));
      const lines = rows.flatMap(([data, group], i) => (data === null ? [] : [`{"id":${JSON.stringify(take[i])},"group":${JSON.stringify(group ?? '')},"envelope":${data}}\n`]));
      if (lines.length) yield lines.join('');
    }
  }

  claim(ids: string[], token: string, now: number, ttlMs: number): Promise<string[]> {
    return withLuaScripts(this.redis, [dlqClaimScript]).droverDlqClaim(dlqIndexBase(this.t), dlqKeyPrefix(this.t), 'claim', token, now, ttlMs, ...ids);
  }

  async release(ids: string[], token: string): Promise<void> {
    if (ids.length === 0) return;
    await withLuaScripts(this.redis, [dlqClaimScript]).droverDlqClaim(dlqIndexBase(this.t), dlqKeyPrefix(this.t), 'release', token, Date.now(), 0, ...ids);
  }

  async exists(ids: string[]): Promise<boolean[]> {
    const found = await Promise.all(ids.map((id) => this.redis.exists(`${dlqKeyPrefix(this.t)}${id}`)));
    return found.map((n) => n > 0);
  }

  async *envelopes(ids: string[]): AsyncGenerator<Array<{ id: string; text: string | null }>> {
    const prefix = dlqKeyPrefix(this.t);
    const sizes = await Promise.all(ids.map((id) => this.redis.hstrlen(`${prefix}${id}`, 'data')));
    const sized = ids.map((id, i) => ({ id, size: sizes[i] }));
    for (const part of byteRounds(sized, (e) => e.size, ENVELOPE_ROUND_BYTES)) {
      const round = part.map((e) => e.id);
      const texts = await Promise.all(round.map((id) => this.redis.hget(`${prefix}${id}`, 'data')));
      yield round.map((id, i) => ({ id, text: texts[i] }));
    }
  }

  remove(ids: string[], reason: RemoveReason, claimToken = ''): Promise<string[]> {
    return removeEnvelopes(this.t, ids, reason, claimToken);
  }
}

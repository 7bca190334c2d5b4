// The Redis side of SearchStore: walks a state's list or sorted set by rank with Drover's Lua
// (lib/redis/lua/search-chunk-1.ts), each call stopping after a few ms of Redis time; a position is a rank.
// A job query's predicate reaches the Lua as one plan (./query-plan.ts).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { STATE_STORE, type JobState } from '@/lib/jobs/job-states';
import { parseJobKey } from '@/lib/jobs/get-job';
import type { ChildJob } from '@/lib/jobs/get-job-children';
import { InvalidError } from '@/lib/errors';
import { cutText, checkExtract } from '../extract-paths';
import type { ExtractPath, JobPredicate, SearchStore, WalkChunk, WalkLimits } from '../search-store';
import { planPredicate, type RedisQueryPlan } from './query-plan';

/** Redis time one matchIds or extractPaths call may take before the next goes on with the ids it did not look at. */
const IDS_SCRIPT_BUDGET_MICROS = 10_000;

function rankOf(position: string | null): number {
  if (position === null) return 0;
  if (!/^\d{1,15}$/.test(position)) throw new InvalidError('Invalid search cursor');
  return Number(position);
}

export class RedisSearch implements SearchStore {
  constructor(private readonly conn: Connection) {}

  async stateTotal(queue: string, states: JobState[]): Promise<number> {
    const pipeline = this.conn.redis.pipeline();
    for (const s of states) {
      const { key, kind } = STATE_STORE[s];
      if (kind === 'list') pipeline.llen(this.conn.key(queue, key));
      else pipeline.zcard(this.conn.key(queue, key));
    }
    const results = (await pipeline.exec()) ?? [];
    return results.reduce((sum, [err, v]) => (err ? sum : sum + Number(v)), 0);
  }

  private plan(predicate: JobPredicate, state: JobState): RedisQueryPlan {
    return planPredicate(predicate, state, { parentKey: (queue, id) => this.conn.key(queue, id) });
  }

  async walkChunk(queue: string, state: JobState, order: 'desc' | 'asc', from: string | null, predicate: JobPredicate, limits: WalkLimits): Promise<WalkChunk> {
    const { key, kind } = STATE_STORE[state];
    const { plan, finishedMin, finishedMax } = this.plan(predicate, state);
    const [next, scanned, end, ids] = await this.conn.redis.droverSearchChunk(
      this.conn.queuePrefix(queue), key, kind, order, rankOf(from), limits.maxScan, limits.budgetMs * 1000, limits.maxMatches,
      plan, finishedMin, finishedMax,
    );
    const done = next >= end || (scanned === 0 && ids.length === 0);
    return { ids, scanned, next: done ? null : String(next) };
  }

  async matchIds(queue: string, ids: string[], predicate: JobPredicate): Promise<string[]> {
    // Any state: no finished window applies to ids looked up one by one.
    const { plan } = this.plan(predicate, 'waiting');
    const found: string[] = [];
    for (let at = 0; at < ids.length; ) {
      const [looked, matches] = await this.conn.redis.droverMatchIds(this.conn.queuePrefix(queue), IDS_SCRIPT_BUDGET_MICROS, plan, ...ids.slice(at));
      found.push(...matches);
      at += Math.max(1, Number(looked));
    }
    return found;
  }

  /**
   * One script call per page (more only when the jobs' payloads are big: each call stops after
   * IDS_SCRIPT_BUDGET_MICROS). The script cuts each value to 4 bytes a character, the most UTF-8 needs,
   * and the cut to characters is finished here.
   */
  async extractPaths(queue: string, ids: string[], paths: ExtractPath[], maxChars: number): Promise<Array<Array<string | null>>> {
    checkExtract(ids, paths, maxChars);
    if (ids.length === 0) return [];
    if (paths.length === 0) return ids.map(() => []);
    const spec = JSON.stringify(paths.map((p) => ({ r: p.root, p: p.path })));
    const rows: Array<Array<string | null>> = [];
    for (let at = 0; at < ids.length; ) {
      const [looked, values] = await this.conn.redis.droverExtractPaths(this.conn.queuePrefix(queue), IDS_SCRIPT_BUDGET_MICROS, 4 * maxChars, spec, ...ids.slice(at));
      for (const row of values) rows.push(paths.map((_, k) => (typeof row[k] === 'string' ? cutText(row[k], maxChars) : null)));
      at += Math.max(1, Number(looked));
    }
    return rows;
  }

  async positionAt(_queue: string, _state: JobState, _order: 'desc' | 'asc', rank: number): Promise<string | null> {
    return rank > 0 ? String(rank) : null;
  }

  /** The parent's dependencies set, processed and failed hashes and unsuccessful set, then each child's state and name. */
  async children(queue: string, id: string, limit: number): Promise<ChildJob[]> {
    const conn = this.conn;
    const jobKey = conn.key(queue, id);
    const lists = conn.redis.pipeline();
    lists.sscan(`${jobKey}:dependencies`, '0', 'COUNT', limit);
    lists.droverHashFields(`${jobKey}:processed`, limit);
    lists.droverHashFields(`${jobKey}:failed`, limit);
    lists.zrange(`${jobKey}:unsuccessful`, '0', String(limit - 1));
    const results = (await lists.exec()) ?? [];
    const keys: Array<{ key: string; group: ChildJob['group'] }> = [];
    const take = (i: number, group: ChildJob['group']) => {
      const [err, value] = results[i] ?? [];
      if (err) throw err;
      // SSCAN answers [cursor, members]; the others a plain list.
      const items = Array.isArray(value) && Array.isArray(value[1]) ? (value[1] as string[]) : (value as string[]);
      for (const key of items.slice(0, limit)) keys.push({ key, group });
    };
    take(0, 'pending');
    take(3, 'failed');
    take(1, 'processed');
    take(2, 'ignored');
    if (keys.length === 0) return [];
    const details = conn.redis.pipeline();
    const refs = keys.map(({ key, group }) => ({ key, group, ref: parseJobKey(key, conn.prefix) }));
    for (const { key, ref } of refs) {
      if (ref) {
        details.droverJobState(conn.queuePrefix(ref.queue), ref.id);
        details.hget(key, 'name');
      }
    }
    const detailResults = (await details.exec()) ?? [];
    let i = 0;
    return refs.map(({ key, group, ref }) => {
      if (!ref) return { key, queue: '?', id: key, name: null, state: 'unknown', group };
      const state = String(detailResults[i]?.[1] ?? 'unknown');
      const name = (detailResults[i + 1]?.[1] as string | null) ?? null;
      i += 2;
      return { key, queue: ref.queue, id: ref.id, name, state, group };
    });
  }
}

// The PostgreSQL side of SearchStore: walks a state through its partial index in keyset slices
// (./search-sql.ts), each slice one statement of at most WALK_SLICE_ROWS jobs, so no statement grows
// with the queue; a position is the last examined job's sort keys ("<k1>_<k2>").
import 'server-only';
import type { QueryResultRow } from 'pg';
import type { Connection } from '@/lib/redis/connections';
import type { JobState } from '@/lib/jobs/job-states';
import type { ChildJob } from '@/lib/jobs/get-job-children';
import { InvalidError } from '@/lib/errors';
import type { ExtractPath, JobPredicate, SearchStore, WalkChunk, WalkLimits } from '../search-store';
import { checkExtract } from '../extract-paths';
import { CHILDREN, WALK_KEYS, countAfterSql, extractPathsStatement, hopSql, matchIdsStatement, walkSlice } from './search-sql';

/**
 * Jobs one search statement examines at most. Measured with bench/pg-search-slices.ts on 300k waiting and
 * 30k failed jobs (README, PostgreSQL, Bounds): a slice of 500 took 6–11 ms (median), 2,000 took 20–35 ms.
 */
export const WALK_SLICE_ROWS = 500;
/** Ids one matchIds statement looks up at most (a caller's list is taken in runs of this many). */
export const MATCH_IDS_ROWS = 500;
/** Index entries one hop reads at most while turning a rank into a position. */
export const HOP_ROWS = 10_000;

type Position = string[];

function parsePosition(state: JobState, raw: string | null): Position | null {
  if (raw === null) return null;
  const keys = raw.split('_');
  // Each key a bigint: 19 digits may still overflow, so the value is checked, not only its length.
  const fits = (k: string) => /^-?\d{1,19}$/.test(k) && BigInt(k) <= 9223372036854775807n && BigInt(k) >= -9223372036854775808n;
  if (keys.length !== WALK_KEYS[state].length || !keys.every(fits)) throw new InvalidError('Invalid search cursor');
  return keys;
}

const reverseOf = (order: 'desc' | 'asc') => (order === 'desc' ? 'asc' : 'desc');

export class PostgresSearch implements SearchStore {
  constructor(private readonly conn: Connection) {}

  private rows<R extends QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return this.conn.pgRows<R>(text, values);
  }

  private keysOf(state: JobState, row: Record<string, string>): Position {
    return WALK_KEYS[state].map((_, i) => row[`k${i}`]);
  }

  /**
   * Counted in hops of HOP_ROWS index entries, then the rest: one count(*) over a 300k-job state ran
   * 130 ms, past what one console statement may take; each hop stays bounded whatever the state's size.
   */
  async stateTotal(queue: string, states: JobState[]): Promise<number> {
    let total = 0;
    for (const state of states) {
      let at: Position | null = null;
      for (;;) {
        const [row] = await this.rows<Record<string, string>>(hopSql(state, 'asc', at !== null), [queue, HOP_ROWS - 1, ...(at ?? [])]);
        if (!row) break;
        total += HOP_ROWS;
        at = this.keysOf(state, row);
      }
      const [rest] = await this.rows<{ n: string }>(countAfterSql(state, at !== null), [queue, ...(at ?? [])]);
      total += Number(rest?.n ?? 0);
    }
    return total;
  }

  async walkChunk(queue: string, state: JobState, order: 'desc' | 'asc', from: string | null, predicate: JobPredicate, limits: WalkLimits): Promise<WalkChunk> {
    const position = parsePosition(state, from);
    const slice = Math.max(1, Math.min(WALK_SLICE_ROWS, limits.maxScan));
    type Row = { id: string; hit: boolean } & Record<string, string>;
    const { text, values } = walkSlice(queue, state, order, slice, position, predicate);
    const rows = await this.rows<Row>(text, values);
    const ids: string[] = [];
    let scanned = 0;
    for (const row of rows) {
      scanned += 1;
      if (row.hit) ids.push(row.id);
      if (ids.length >= limits.maxMatches) break;
    }
    // The slice ended the state when it came back short and every row of it was examined.
    if (rows.length < slice && scanned === rows.length) return { ids, scanned, next: null };
    return { ids, scanned, next: scanned > 0 ? this.keysOf(state, rows[scanned - 1]).join('_') : from };
  }

  async matchIds(queue: string, ids: string[], predicate: JobPredicate): Promise<string[]> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += MATCH_IDS_ROWS) {
      const { text, values } = matchIdsStatement(queue, ids.slice(i, i + MATCH_IDS_ROWS), predicate);
      for (const row of await this.rows<{ id: string }>(text, values)) found.add(row.id);
    }
    return ids.filter((id) => found.has(id));
  }

  /** One statement per call (at most EXTRACT_MAX_IDS ids). */
  async extractPaths(queue: string, ids: string[], paths: ExtractPath[], maxChars: number): Promise<Array<Array<string | null>>> {
    checkExtract(ids, paths, maxChars);
    if (ids.length === 0) return [];
    if (paths.length === 0) return ids.map(() => []);
    const { text, values } = extractPathsStatement(queue, ids, paths, maxChars);
    const rows = await this.rows<Record<string, string | null>>(text, values);
    return rows.map((row) => paths.map((_, k) => row[`v${k}`] ?? null));
  }

  /** Hops of at most HOP_ROWS index entries from the nearer end of the state: never one deep OFFSET. */
  async positionAt(queue: string, state: JobState, order: 'desc' | 'asc', rank: number): Promise<string | null> {
    if (rank <= 0) return null;
    const total = await this.stateTotal(queue, [state]);
    if (total === 0) return null;
    // The job examined last is at index rank - 1 of the walk; from the other end it is at total - rank.
    if (rank >= total) return (await this.hopTo(queue, state, reverseOf(order), 0))?.join('_') ?? null;
    const fromStart = rank - 1 <= total - rank;
    const keys = fromStart ? await this.hopTo(queue, state, order, rank - 1) : await this.hopTo(queue, state, reverseOf(order), total - rank);
    if (keys) return keys.join('_');
    // The state shrank under us: past its end is its end (its last job in the walk), before its start its start.
    return fromStart ? ((await this.hopTo(queue, state, reverseOf(order), 0))?.join('_') ?? null) : null;
  }

  /** The keys of the job at `index` (0-based) of a walk in `order`, null when there are fewer jobs. */
  private async hopTo(queue: string, state: JobState, order: 'desc' | 'asc', index: number): Promise<Position | null> {
    let at: Position | null = null;
    let consumed = 0;
    for (;;) {
      const offset = Math.min(index - consumed, HOP_ROWS);
      const [row] = await this.rows<Record<string, string>>(hopSql(state, order, at !== null), [queue, offset, ...(at ?? [])]);
      if (!row) return null;
      at = this.keysOf(state, row);
      consumed += offset + 1;
      if (consumed > index) return at;
    }
  }

  async children(queue: string, id: string, limit: number): Promise<ChildJob[]> {
    type Row = { child_queue: string; child_id: string; status: ChildJob['group']; name: string | null; state: string };
    const rows = await this.rows<Row>(CHILDREN, [queue, id, limit]);
    return rows.map((r) => ({
      key: `${this.conn.prefix}:${r.child_queue}:${r.child_id}`,
      queue: r.child_queue,
      id: r.child_id,
      name: r.name,
      state: r.state,
      group: r.status,
    }));
  }
}

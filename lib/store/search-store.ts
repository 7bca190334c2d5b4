// The part of the store seam that walks a state job by job: whole-queue search, the name filter of job
// lists, and a flow parent's children. Each store walks in bounded chunks its own way (Redis: Lua over
// list/sorted-set ranks under a time budget; PostgreSQL: keyset slices of each state's index).
import type { JobState } from '@/lib/jobs/job-states';
import type { ChildJob } from '@/lib/jobs/get-job-children';
import type { JobPredicate } from '@/lib/jobs/query/ast';

export type { JobPredicate };

/**
 * One chunk's answer. `next` is where the walk goes on (the store's own opaque position: digits,
 * '_' and '-' only), null at the end of the state.
 */
export type WalkChunk = { ids: string[]; scanned: number; next: string | null };

export type WalkLimits = { maxScan: number; maxMatches: number; budgetMs: number };

/** A JSON path of a job's data or return value whose value extractPaths reads (the query language's path). */
export type ExtractPath = { root: 'data' | 'returnvalue'; path: string[] };
/** What one extractPaths call may ask for at most. */
export const EXTRACT_MAX_IDS = 200;
export const EXTRACT_MAX_PATHS = 8;
export const EXTRACT_MAX_CHARS = 300;

export interface SearchStore {
  /** Jobs in these states now, summed (a search's progress denominator, a filtered list's total). */
  stateTotal(queue: string, states: JobState[]): Promise<number>;
  /**
   * One bounded chunk of a walk through a state ('desc' = newest first) from `from` (null: its start),
   * stopping after `maxMatches` matches or `maxScan` jobs examined, whichever first. A job matches when
   * every clause of `predicate` holds (an empty predicate: every job). A store may skip, unexamined,
   * the stretch of the state its index rules out (a `finished` range on completed/failed); `scanned`
   * counts only jobs examined.
   */
  walkChunk(queue: string, state: JobState, order: 'desc' | 'asc', from: string | null, predicate: JobPredicate, limits: WalkLimits): Promise<WalkChunk>;
  /** Of these ids (at most 1,000), those whose job exists and matches `predicate`, in the given order. */
  matchIds(queue: string, ids: string[], predicate: JobPredicate): Promise<string[]>;
  /**
   * The walk's position once `rank` jobs of the state have been examined, for callers that count in ranks
   * (null: the start). Past the end it is the end: a walk from there finds nothing.
   */
  positionAt(queue: string, state: JobState, order: 'desc' | 'asc', rank: number): Promise<string | null>;
  /**
   * Per id (in the given order; at most EXTRACT_MAX_IDS), per path (at most EXTRACT_MAX_PATHS), the value's
   * text read on the store's side, cut to `maxChars` characters (≤ EXTRACT_MAX_CHARS): a string as it is,
   * a number or boolean as text, an object or array as JSON text (formatting may differ between stores);
   * null when the job, the path or the value is missing, the value is JSON null, a segment does not navigate
   * (the query language's rules: object key, else a 0-based array index in digits), or the root field is
   * over 1 MB stored (never decoded, as in search).
   */
  extractPaths(queue: string, ids: string[], paths: ExtractPath[], maxChars: number): Promise<Array<Array<string | null>>>;
  /** A flow parent's children with their state: pending, failed, processed, ignored — `limit` of each at most. */
  children(queue: string, id: string, limit: number): Promise<ChildJob[]>;
}

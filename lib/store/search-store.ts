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
  /** A flow parent's children with their state: pending, failed, processed, ignored — `limit` of each at most. */
  children(queue: string, id: string, limit: number): Promise<ChildJob[]>;
}

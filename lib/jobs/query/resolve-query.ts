// Turns a parsed query into what the engine runs at one instant: the states to walk, the predicate each
// store evaluates (relative times made absolute, needles ASCII-lower-cased) and an id to look up directly.
import { asciiLower } from '@/lib/jobs/ascii-lower';
import { JOB_STATES, type JobState } from '@/lib/jobs/job-states';
import type { Clause, JobPredicate, JobQuery, PredicateClause, TimeBound } from './ast';

export type ResolvedQuery = {
  /** The states to walk, in the console's usual order; empty when the state clauses rule out every state. */
  states: JobState[];
  predicate: JobPredicate;
  /** A positive `id:` clause: the one job worth reading (no walk needed). */
  id: string | null;
};

function instant(bound: TimeBound, now: number): number {
  return 'at' in bound ? bound.at : now - bound.ago;
}

function resolveClause(clause: Exclude<Clause, { kind: 'state' }>, now: number): PredicateClause {
  switch (clause.kind) {
    case 'time': {
      const min = clause.from ? instant(clause.from, now) + (clause.fromExclusive ? 1 : 0) : null;
      const max = clause.to ? instant(clause.to, now) - (clause.toExclusive ? 1 : 0) : null;
      return { kind: 'time', negate: clause.negate, field: clause.field, min, max };
    }
    case 'name':
      return clause.op === 'contains' ? { ...clause, value: asciiLower(clause.value) } : clause;
    case 'path':
      return clause.op === 'contains' && typeof clause.value === 'string' ? { ...clause, value: asciiLower(clause.value) } : clause;
    case 'text':
      return { ...clause, needle: asciiLower(clause.needle) };
    default:
      return clause;
  }
}

/**
 * `within` is the state picker beside the box ('all' or one state): the walk covers the states both it
 * and the query's `state:` clauses allow (several positive clauses: any of them; negated: none of those).
 */
export function resolveJobQuery(query: JobQuery, now: number, within: JobState | 'all' = 'all'): ResolvedQuery {
  const wanted = new Set<JobState>();
  const excluded = new Set<JobState>();
  const predicate: JobPredicate = [];
  let id: string | null = null;
  for (const clause of query.clauses) {
    if (clause.kind === 'state') {
      for (const s of clause.states) (clause.negate ? excluded : wanted).add(s);
      continue;
    }
    if (clause.kind === 'id' && !clause.negate && id === null) id = clause.value;
    predicate.push(resolveClause(clause, now));
  }
  const states = JOB_STATES.filter(
    (s) => (wanted.size === 0 || wanted.has(s)) && !excluded.has(s) && (within === 'all' || within === s),
  );
  return { states, predicate, id };
}

// Drover's read-only SQL for the actions on a PostgreSQL connection (counts and states for progress and
// guards); the changes themselves go through BullMQ's backend (its SQL functions), never through here.
import type { JobState } from '@/lib/jobs/job-states';
import type { CountableState } from '../actions-store';
import { STATE_COUNT } from './sql';

const STATE_OF: Record<CountableState, JobState> = {
  wait: 'waiting',
  active: 'active',
  delayed: 'delayed',
  prioritized: 'prioritized',
  completed: 'completed',
  failed: 'failed',
};

/** How many jobs a state holds: a count over the state's partial index. */
export function stateCountSql(state: CountableState): string {
  return STATE_COUNT(STATE_OF[state]);
}


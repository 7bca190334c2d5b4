import { z } from 'zod';

// Where each state lives in Redis and which end is "newest". BullMQ 6 has no paused state: a paused
// queue keeps its jobs in `wait` (the queue's paused flag is shown instead).
export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;
export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;

export type StateStore = { key: string; kind: 'list' | 'zset' };

export const STATE_STORE: Record<JobState, StateStore> = {
  // Lists are LPUSHed: index 0 is the newest.
  waiting: { key: 'wait', kind: 'list' },
  active: { key: 'active', kind: 'list' },
  // Sorted sets: delayed by due time, prioritized by priority then insertion, finished by finish time.
  delayed: { key: 'delayed', kind: 'zset' },
  prioritized: { key: 'prioritized', kind: 'zset' },
  'waiting-children': { key: 'waiting-children', kind: 'zset' },
  completed: { key: 'completed', kind: 'zset' },
  failed: { key: 'failed', kind: 'zset' },
};

/**
 * "newest" means: lists → most recently added; completed/failed → most recently finished;
 * delayed → latest due; prioritized → lowest priority last. In every store that is the high end.
 */
export function redisOrder(order: 'newest' | 'oldest'): 'desc' | 'asc' {
  return order === 'newest' ? 'desc' : 'asc';
}

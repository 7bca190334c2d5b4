// The part of the store seam the job and queue actions need beyond BullMQ's own Queue/Job API: counts
// for progress and guards, whole-state moves in bounded batches, the age-bounded removal shared by
// clean, drain and bulk remove, and "fail permanently" for a job that is not running. Jobs change only
// through BullMQ (Lua scripts or SQL functions), never by hand. (The workers' cancellation channel is
// Drover's own data, the same on both stores: lib/cancellation over Connection.records.)

/** States a whole-state action counts or removes ('wait' is BullMQ's name for waiting). */
export type CleanableState = 'wait' | 'delayed' | 'prioritized' | 'completed' | 'failed';
export type CountableState = CleanableState | 'active';

/** Called after each batch with the running total. */
export type OnBatch = (done: number) => Promise<void>;

export interface ActionsStore {
  /** How many jobs a state holds now (progress totals, the obliterate guard). */
  stateCount(queue: string, state: CountableState): Promise<number>;
  /** Moves every failed or completed job finished at or before `timestamp` back to waiting, in batches; returns how many moved. */
  retryFinishedJobs(queue: string, state: 'failed' | 'completed', timestamp: number, onBatch: OnBatch): Promise<number>;
  /** Moves every delayed job to waiting, in batches; returns how many moved. */
  promoteDelayedJobs(queue: string, onBatch: OnBatch): Promise<number>;
  /**
   * Removes the jobs of `state` whose age is at or before `cutoff` (ms) in bounded batches; jobs of a
   * job scheduler are kept, as BullMQ's clean keeps them. Returns how many were removed.
   */
  cleanState(queue: string, state: CleanableState, cutoff: number, onBatch: OnBatch): Promise<number>;
  /**
   * Fails a job that has not run (waiting, delayed, prioritized, waiting for children) without retries:
   * 1 failed, 2 failed and removed (its removeOnFail), or a refusal code (lib/jobs/job-errors failJobRefusal).
   */
  failUnstartedJob(queue: string, id: string, reason: string): Promise<number>;
}

// The part of the store seam the schedules page and its actions need: BullMQ's job schedulers read
// without their template payloads beyond a cap, their last outcomes, and the few facts the pause and
// resume verbs check. Changes still go through BullMQ (Queue.upsertJobScheduler / removeJobScheduler).
import type { RepeatOptions } from 'bullmq';
import type { QueueSchedulers } from '@/lib/schedules/read-schedulers';
import type { ScheduleDefinition, ScheduleOutcome } from '@/lib/schedules/types';

export interface SchedulesStore {
  /** How many schedulers (and, on Redis, legacy repeatables) each queue has. */
  count(queues: string[]): Promise<Map<string, number>>;
  /** Each queue's schedulers, soonest first, at most MAX_SCHEDULERS_PER_QUEUE, template data over `dataCap` bytes (default LIST_DATA_CAP; 0: all) left out. */
  page(queues: string[], dataCap?: number): Promise<QueueSchedulers[]>;
  /** The last finished jobs per scheduler id, newest first, keyed "<queue>\n<id>". */
  outcomes(idsByQueue: Map<string, string[]>): Promise<Map<string, ScheduleOutcome[]>>;
  /** True when `id` is a live BullMQ 6 job scheduler of the queue (not a legacy repeatable). */
  isScheduler(queue: string, id: string): Promise<boolean>;
  /** The scheduler's next run (ms), or null when it has none (or no longer exists). */
  nextRun(queue: string, id: string): Promise<number | null>;
  /** True when the job is delayed (a scheduler's pending run that a pause cancels). */
  isDelayed(queue: string, jobId: string): Promise<boolean>;
  /** The repeat options that re-create a paused schedule which had produced `iterationsDone` jobs. */
  resumeOptions(def: ScheduleDefinition, iterationsDone: number): Omit<RepeatOptions, 'key'>;
  /** After the re-created scheduler exists: carry its iteration count on from the paused one. */
  restoreIterationCount(queue: string, id: string, iterationsDone: number): Promise<void>;
}

// What the schedules page and API return (plain JSON, safe to send to the browser).
import type { ScheduleHealth } from './watch/watch-record';

/** Everything needed to upsert a job scheduler again exactly as it was (BullMQ's JobSchedulerJson, flattened). */
export type ScheduleDefinition = {
  id: string;
  pattern?: string;
  every?: number;
  tz?: string;
  startDate?: number;
  endDate?: number;
  limit?: number;
  /** BullMQ keeps the phase of `every` schedules here */
  offset?: number;
  /** jobs produced so far, including the pending next one (BullMQ's `ic`) */
  iterationCount?: number;
  template: { name: string; data?: unknown; opts?: Record<string, unknown> };
};

export type ScheduleOutcome = { jobId: string; state: 'completed' | 'failed'; finishedOn: number };

export type Schedule = ScheduleDefinition & {
  connection: string;
  queue: string;
  /** gone: the watch saw it before and it is no longer in the store (deleted behind Drover's back) */
  state: 'active' | 'paused' | 'gone';
  /** epoch ms of the next run (active schedules) */
  next: number | null;
  /** "At 09:00, Monday through Friday" / "Every 6h" */
  description: string;
  /** declared by the bundled workers (workers/definitions.ts): their next start overwrites it */
  definedInCode: boolean;
  /** size of the template data in bytes; data is left out of lists above 64 KB */
  dataSize: number;
  dataOmitted: boolean;
  /** last jobs it produced that are still kept, newest first */
  outcomes: ScheduleOutcome[];
  pausedAt?: number;
  pausedBy?: string;
  /** something an operator must resolve, e.g. a paused copy next to a live scheduler with the same id */
  conflict?: string;
  readOnly: boolean;
  /** set in lists for a caller: whether they may change it (operator on its queue, README › Team scopes) */
  canAct?: boolean;
  /** as of the last schedule watch round (README › Missed and late runs); absent until a round saw it */
  health?: ScheduleHealth;
};

export type LegacyRepeatable = {
  connection: string;
  queue: string;
  /** the member of "<prefix>:<queue>:repeat" */
  key: string;
  /** "hashed": BullMQ ≥ 5.? md5 key with a metadata hash; "key": older "name:id:endDate:tz:pattern"; "orphan": no metadata */
  format: 'hashed' | 'key' | 'orphan';
  name: string | null;
  jobId: string | null;
  pattern: string | null;
  every: number | null;
  tz: string | null;
  endDate: number | null;
  next: number | null;
  description: string;
  readOnly: boolean;
  /** set in lists for a caller: whether they may migrate it (operator on its queue, README › Team scopes) */
  canAct?: boolean;
};

export type ScheduleConnectionInfo = { name: string; readOnly: boolean; error: string | null; queues: string[] };

export type ScheduleList = {
  generatedAt: number;
  connections: ScheduleConnectionInfo[];
  schedules: Schedule[];
  legacy: LegacyRepeatable[];
  /** set when a queue holds more schedulers than one page shows */
  truncated: Array<{ connection: string; queue: string; total: number; shown: number }>;
};

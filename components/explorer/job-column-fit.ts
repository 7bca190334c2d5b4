// How the jobs table's columns share a narrow box: each column's width (its cell's max width, so the
// table fits its box whatever the jobs say) and, per list, the order in which the optional ones get room.
// Pure data: the column definitions (./jobs-columns.tsx) put it in each column's meta; a unit test reads it.
import type { JobState } from '@/lib/jobs/job-states';

export const JOB_COLUMN_IDS = ['select', 'id', 'name', 'state', 'created', 'started', 'finished', 'duration', 'attempts', 'progress', 'failed-reason'] as const;
export type JobColumnId = (typeof JOB_COLUMN_IDS)[number];

/** Which list the table shows: one state's tab of the queue page, or search results (any state). */
export type JobsView = JobState | 'search';

/** Rough width in rem, padding included; for the truncated cells (id, name, failed reason) their max width. */
export const JOB_COLUMN_WIDTH: Record<JobColumnId, number> = {
  select: 2.5,
  id: 8,
  name: 12,
  state: 7.5,
  created: 6.5,
  started: 6.5,
  finished: 6.5,
  duration: 6,
  attempts: 6,
  progress: 9.5,
  'failed-reason': 16,
};

// What always shows (the checkbox, the row's toggle and id, the name) and then, in order, what an
// operator looks at next in each list. On the failed tab the error is one of the signals; elsewhere it
// is usually empty (a delayed job's last error before its retry is the exception).
const ALWAYS: JobColumnId[] = ['select', 'id', 'name'];
const NEXT: Record<JobsView, { always: JobColumnId[]; then: JobColumnId[] }> = {
  failed: { always: ['failed-reason'], then: ['finished', 'attempts', 'created', 'duration', 'started', 'progress'] },
  completed: { always: [], then: ['finished', 'duration', 'created', 'attempts', 'started', 'progress', 'failed-reason'] },
  active: { always: [], then: ['progress', 'started', 'attempts', 'created', 'failed-reason', 'duration', 'finished'] },
  delayed: { always: [], then: ['created', 'attempts', 'failed-reason', 'progress', 'started', 'finished', 'duration'] },
  waiting: { always: [], then: ['created', 'attempts', 'progress', 'failed-reason', 'started', 'finished', 'duration'] },
  prioritized: { always: [], then: ['created', 'attempts', 'progress', 'failed-reason', 'started', 'finished', 'duration'] },
  'waiting-children': { always: [], then: ['created', 'attempts', 'progress', 'failed-reason', 'started', 'finished', 'duration'] },
  search: { always: ['state'], then: ['failed-reason', 'finished', 'created', 'attempts', 'duration', 'started', 'progress'] },
};

/** 0: always shown; 1, 2…: the order in which the column gets room in this list. */
export function jobColumnPriority(id: JobColumnId, view: JobsView): number {
  const { always, then } = NEXT[view];
  if (ALWAYS.includes(id) || always.includes(id)) return 0;
  const index = then.indexOf(id);
  return index < 0 ? then.length + 1 : index + 1;
}


/** A data column's width (rem, its cell's max width): a path's value, cut, in small monospace. */
export const DATA_COLUMN_WIDTH = 11;

/**
 * A data column (a JSON path the user added, `cols=` in the URL) gets room before the list's own optional
 * columns, asked for as it was; among data columns, the one added first first.
 */
export function dataColumnPriority(index: number): number {
  return 0.5 + index / 100;
}

/** A data column's id in the table: its place (a path's dots and quotes are no CSS-safe name). */
export const dataColumnId = (index: number) => `data-col-${index}`;

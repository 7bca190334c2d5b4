// Schedules the bundled workers declare in code (workers/definitions.ts): the worker runtime upserts
// them at every start, so console edits to them last only until then.
import { findKindByQueue, type JobKindDefinition, type SchedulerDefinition } from '@/lib/job-kinds/registry';

export function codeDefinedScheduler(queue: string, id: string): SchedulerDefinition | undefined {
  const kind = findKindByQueue(queue) as JobKindDefinition | undefined;
  return kind?.schedulers?.find((s) => s.id === id);
}

export function isDefinedInCode(queue: string, id: string): boolean {
  return codeDefinedScheduler(queue, id) !== undefined;
}

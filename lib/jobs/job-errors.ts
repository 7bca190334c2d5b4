// BullMQ's numeric job errors (error.code) as precise domain errors, in one place.
import { ConflictError, NotFoundError, toDroverError, type DroverError } from '@/lib/errors';

export function jobGone(queue: string, id: string): NotFoundError {
  return new NotFoundError(`Job ${id} no longer exists in queue "${queue}" (it may have been removed)`);
}

export function mapJobError(err: unknown, where: { queue: string; id: string; state?: string; expected?: string }, connection?: string): DroverError {
  const code = (err as { code?: unknown })?.code;
  switch (code) {
    case -1:
      return jobGone(where.queue, where.id);
    case -2:
    case -6:
      return new ConflictError(`Job ${where.id} is locked by a worker (it is running): wait for it to finish or cancel it first`);
    case -3:
      return new ConflictError(
        `Job ${where.id} is ${where.state ?? 'in another state'}${where.expected ? `, not ${where.expected}` : ''}: the action does not apply (it may have moved meanwhile)`,
      );
    case -4:
      return new ConflictError(`Job ${where.id} still has pending children`);
    case -8:
      return new ConflictError(`Job ${where.id} belongs to a job scheduler: manage it on the Schedules page instead`);
    default:
      return toDroverError(err, connection);
  }
}

/** What the "fail permanently" script (lib/redis/lua/fail-job-1.ts) answered when it did not fail the job. */
export function failJobRefusal(code: number, where: { queue: string; id: string; state: string }): DroverError {
  switch (code) {
    case -1:
      return jobGone(where.queue, where.id);
    case -2:
      return new ConflictError(`Job ${where.id} started running meanwhile: try again to abort it through its worker`);
    case -3:
      return new ConflictError(`Job ${where.id} is already ${where.state === 'completed' ? 'completed' : 'finished'}: nothing to fail`);
    case -5:
      return new ConflictError(`Job ${where.id} is part of a flow; fail it through its worker or remove it (failing it here would not tell its parent job)`);
    case -7:
      return new ConflictError(
        `Job ${where.id} has a deduplicated job waiting to be added when it finishes; fail it through its worker or remove it (failing it here would not add that job)`,
      );
    default:
      return new ConflictError(`Job ${where.id} was not failed (code ${code})`);
  }
}

// Progress of long bulk operations (drain, clean, retry-all…): the client picks an operation id,
// the server reports batches under drover:op:<id>, and the page polls it while the action runs.
import 'server-only';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { NotFoundError } from '@/lib/errors';

export { operationIdSchema } from './operation-id';

export type OperationProgress = { done: number; total: number; phase: string; finished: boolean; updatedAt: number };

const TTL_MS = 60 * 60 * 1000;

export type ProgressReporter = (p: { done: number; total: number; phase: string; finished?: boolean }) => Promise<void>;

export function progressReporter(operationId: string | undefined): ProgressReporter {
  if (!operationId) return async () => {};
  const key = KEYS.operation(operationId);
  return async ({ done, total, phase, finished = false }) => {
    await getConsoleConnection()
      .redis.multi()
      .hset(key, { done, total, phase, finished: finished ? 1 : 0, updatedAt: Date.now() })
      .pexpire(key, TTL_MS)
      .exec();
  };
}

export async function getOperationProgress(operationId: string): Promise<OperationProgress | null> {
  const raw = await getConsoleConnection().redis.hgetall(KEYS.operation(operationId));
  if (!raw.updatedAt) return null;
  return { done: Number(raw.done), total: Number(raw.total), phase: raw.phase, finished: raw.finished === '1', updatedAt: Number(raw.updatedAt) };
}

/** The progress of an operation, or 404 when it never started or finished over an hour ago. */
export async function readOperationProgress(operationId: string): Promise<OperationProgress> {
  const progress = await getOperationProgress(operationId);
  if (!progress) throw new NotFoundError(`No operation ${operationId} (not started yet, or finished over an hour ago)`);
  return progress;
}

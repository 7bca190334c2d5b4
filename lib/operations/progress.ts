// Progress of long bulk operations (drain, clean, retry-all…): the client picks an operation id,
// the server reports batches under drover:op:<id>, and the page polls it while the action runs.
import 'server-only';
import { z } from 'zod';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';

export const operationIdSchema = z.string().uuid('must be a UUID');

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

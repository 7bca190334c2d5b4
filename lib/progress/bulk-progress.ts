// Progress of long bulk operations (drain, clean, retry-all…): the client picks an operation id,
// the server reports batches under that id (lib/store/console/progress.ts), and the page polls it while the action runs.
import 'server-only';
import { NotFoundError } from '@/lib/errors';
import { progressStore, type OperationProgress } from '@/lib/store/console/progress';

export { operationIdSchema } from './operation-id';
export type { OperationProgress };

const TTL_MS = 60 * 60 * 1000;

export type ProgressReporter = (p: { done: number; total: number; phase: string; finished?: boolean }) => Promise<void>;

export function progressReporter(operationId: string | undefined): ProgressReporter {
  if (!operationId) return async () => {};
  return async ({ done, total, phase, finished = false }) => {
    await progressStore().save(operationId, { done, total, phase, finished, updatedAt: Date.now() }, TTL_MS);
  };
}

export function getOperationProgress(operationId: string): Promise<OperationProgress | null> {
  return progressStore().read(operationId);
}

/** The progress of an operation, or 404 when it never started or finished over an hour ago. */
export async function readOperationProgress(operationId: string): Promise<OperationProgress> {
  const progress = await getOperationProgress(operationId);
  if (!progress) throw new NotFoundError(`No operation ${operationId} (not started yet, or finished over an hour ago)`);
  return progress;
}

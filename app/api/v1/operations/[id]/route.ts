// GET /api/v1/operations/{id} — progress of a bulk operation started with that operationId.
import { z } from 'zod';
import { apiRoute } from '@/lib/api/api-route';
import { getOperationProgress, operationIdSchema } from '@/lib/operations/progress';
import { NotFoundError } from '@/lib/errors';

export const GET = apiRoute({ role: 'operator', params: z.object({ id: operationIdSchema }) }, async ({ params }) => {
  const progress = await getOperationProgress(params.id);
  if (!progress) throw new NotFoundError(`No operation ${params.id} (not started yet, or finished over an hour ago)`);
  return progress;
});

import { z } from 'zod';

/** The id a client picks for a long bulk operation, to follow its progress (lib/progress/bulk-progress.ts). */
export const operationIdSchema = z.string().uuid('must be a UUID');

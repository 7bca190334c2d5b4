// Route params of everything under /connections/{conn}/dlq.
import { z } from 'zod';
import { connectionNameSchema } from '@/lib/config/schema';
import { deadLetterIdSchema } from './envelope';

export const dlqParamsSchema = z.object({ conn: connectionNameSchema });
export const deadLetterParamsSchema = dlqParamsSchema.extend({ id: deadLetterIdSchema });

'use server';
// Server actions of the dead-letter pages; each calls the same function as its /api/v1 route.
import { z } from 'zod';
import { serverAction } from '@/lib/api/server-action';
import { connectionNameSchema } from '@/lib/config/schema';
import { requeueDeadLetters, requeueInputSchema } from '@/lib/dlq/requeue-dead-letters';
import { purgeDeadLetters, purgeInputSchema } from '@/lib/dlq/purge-dead-letters';

export const requeueDeadLettersAction = serverAction({ role: 'operator', audit: 'dlq.requeue', input: z.object({ conn: connectionNameSchema, request: requeueInputSchema }) }, (i, ctx) =>
  requeueDeadLetters(ctx, i.conn, i.request),
);

export const purgeDeadLettersAction = serverAction({ role: 'admin', audit: 'dlq.purge', input: z.object({ conn: connectionNameSchema, request: purgeInputSchema }) }, (i, ctx) =>
  purgeDeadLetters(ctx, i.conn, i.request),
);

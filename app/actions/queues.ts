'use server';
// Server actions for queue pages and the overview; each calls the same function as its /api/v1 route.
import { z } from 'zod';
import { serverAction } from '@/lib/api/server-action';
import { queueParamsSchema } from '@/lib/queues/params';
import { connectionNameSchema } from '@/lib/config/schema';
import {
  cleanInputSchema,
  cleanQueue,
  drainInputSchema,
  drainQueue,
  limitsInputSchema,
  obliterateInputSchema,
  obliterateQueue,
  pauseQueue,
  resumeQueue,
  setConnectionPaused,
  setQueueLimits,
} from '@/lib/actions/queue-actions';

export const pauseQueueAction = serverAction({ role: 'operator', audit: 'queue.pause', input: queueParamsSchema }, (i, ctx) => pauseQueue(ctx, i));
export const resumeQueueAction = serverAction({ role: 'operator', audit: 'queue.resume', input: queueParamsSchema }, (i, ctx) => resumeQueue(ctx, i));

export const setConnectionPausedAction = serverAction(
  { role: 'operator', audit: 'connection.pause-all', input: z.object({ conn: connectionNameSchema, paused: z.boolean() }) },
  (i, ctx) => setConnectionPaused(ctx, i.conn, i.paused),
);

export const setQueueLimitsAction = serverAction({ role: 'operator', audit: 'queue.limits', input: z.object({ target: queueParamsSchema, limits: limitsInputSchema }) }, (i, ctx) =>
  setQueueLimits(ctx, i.target, i.limits),
);

export const cleanQueueAction = serverAction({ role: 'operator', audit: 'queue.clean', input: z.object({ target: queueParamsSchema, clean: cleanInputSchema }) }, (i, ctx) =>
  cleanQueue(ctx, i.target, i.clean),
);

export const drainQueueAction = serverAction({ role: 'admin', audit: 'queue.drain', input: z.object({ target: queueParamsSchema, drain: drainInputSchema }) }, (i, ctx) =>
  drainQueue(ctx, i.target, i.drain),
);

export const obliterateQueueAction = serverAction(
  { role: 'admin', audit: 'queue.obliterate', input: z.object({ target: queueParamsSchema, obliterate: obliterateInputSchema }) },
  (i, ctx) => obliterateQueue(ctx, i.target, i.obliterate),
);

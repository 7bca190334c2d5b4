'use server';
// Server actions of the queue pages and the overview: each is an operation of the table (lib/operations/queues.ts).
import { actionOf } from '@/lib/http/action';
import { queueOperations as ops } from '@/lib/operations/queues';

export const pauseQueueAction = actionOf(ops.pauseQueue);
export const resumeQueueAction = actionOf(ops.resumeQueue);
export const pauseAllQueuesAction = actionOf(ops.pauseAll);
export const resumeAllQueuesAction = actionOf(ops.resumeAll);
export const setQueueLimitsAction = actionOf(ops.setQueueLimits);
export const cleanQueueAction = actionOf(ops.cleanQueue);
export const drainQueueAction = actionOf(ops.drainQueue);
export const obliterateQueueAction = actionOf(ops.obliterateQueue);

'use server';
// Server actions of the job pages and tables: each is an operation of the table (lib/operations/jobs.ts).
import { actionOf } from '@/lib/http/action';
import { jobOperations as ops } from '@/lib/operations/jobs';

export const retryJobAction = actionOf(ops.retryJob);
export const removeJobAction = actionOf(ops.removeJob);
export const promoteJobAction = actionOf(ops.promoteJob);
export const duplicateJobAction = actionOf(ops.duplicateJob);
export const cancelJobAction = actionOf(ops.cancelJob);
export const failJobAction = actionOf(ops.failJob);
export const updateJobAction = actionOf(ops.updateJob);
export const addJobAction = actionOf(ops.addJob);
export const bulkJobsAction = actionOf(ops.bulkJobs);

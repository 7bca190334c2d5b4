'use server';
// Every server action of the console: each is an operation of the table (lib/operations/), exposed to
// the UI under the name its declaration gives (`action`). tests/integration/operation-table.test.ts
// checks the two agree.
import { actionOf } from '@/lib/http/action';
import { jobOperations } from '@/lib/operations/jobs';
import { queueOperations } from '@/lib/operations/queues';
import { workerOperations } from '@/lib/operations/workers';
import { scheduleOperations } from '@/lib/operations/schedules';
import { deadLetterOperations } from '@/lib/operations/dead-letters';
import { alertOperations } from '@/lib/operations/alerts';
import { viewOperations } from '@/lib/operations/views';
import { linksOperations } from '@/lib/operations/links';
import { userOperations } from '@/lib/operations/users';
import { permissionOperations } from '@/lib/operations/permissions';

export const retryJobAction = actionOf(jobOperations.retryJob);
export const removeJobAction = actionOf(jobOperations.removeJob);
export const promoteJobAction = actionOf(jobOperations.promoteJob);
export const duplicateJobAction = actionOf(jobOperations.duplicateJob);
export const cancelJobAction = actionOf(jobOperations.cancelJob);
export const failJobAction = actionOf(jobOperations.failJob);
export const updateJobAction = actionOf(jobOperations.updateJob);
export const addJobAction = actionOf(jobOperations.addJob);
export const bulkJobsAction = actionOf(jobOperations.bulkJobs);
export const bulkQueryAction = actionOf(jobOperations.bulkQuery);
export const bulkQueryControlAction = actionOf(jobOperations.bulkQueryControl);

export const pauseQueueAction = actionOf(queueOperations.pauseQueue);
export const resumeQueueAction = actionOf(queueOperations.resumeQueue);
export const pauseAllQueuesAction = actionOf(queueOperations.pauseAll);
export const resumeAllQueuesAction = actionOf(queueOperations.resumeAll);
export const setQueueLimitsAction = actionOf(queueOperations.setQueueLimits);
export const cleanQueueAction = actionOf(queueOperations.cleanQueue);
export const drainQueueAction = actionOf(queueOperations.drainQueue);
export const obliterateQueueAction = actionOf(queueOperations.obliterateQueue);

export const upsertScheduleAction = actionOf(scheduleOperations.upsertSchedule);
export const pauseScheduleAction = actionOf(scheduleOperations.pauseSchedule);
export const resumeScheduleAction = actionOf(scheduleOperations.resumeSchedule);
export const runScheduleNowAction = actionOf(scheduleOperations.runScheduleNow);
export const deleteScheduleAction = actionOf(scheduleOperations.deleteSchedule);
export const forgetScheduleAction = actionOf(scheduleOperations.forgetSchedule);
export const migrateLegacyRepeatableAction = actionOf(scheduleOperations.migrateLegacyRepeatable);

export const requeueDeadLettersAction = actionOf(deadLetterOperations.requeueDeadLetters);
export const purgeDeadLettersAction = actionOf(deadLetterOperations.purgeDeadLetters);

export const createAlertRuleAction = actionOf(alertOperations.createAlertRule);
export const updateAlertRuleAction = actionOf(alertOperations.updateAlertRule);
export const deleteAlertRuleAction = actionOf(alertOperations.deleteAlertRule);
export const testAlertRuleAction = actionOf(alertOperations.testAlertRule);
export const createAlertChannelAction = actionOf(alertOperations.createAlertChannel);
export const updateAlertChannelAction = actionOf(alertOperations.updateAlertChannel);
export const deleteAlertChannelAction = actionOf(alertOperations.deleteAlertChannel);
export const testAlertChannelAction = actionOf(alertOperations.testAlertChannel);

export const createViewAction = actionOf(viewOperations.createView);
export const updateViewAction = actionOf(viewOperations.updateView);
export const deleteViewAction = actionOf(viewOperations.deleteView);

export const setConnectionLinksAction = actionOf(linksOperations.setConnectionLinks);
export const setQueueLinksAction = actionOf(linksOperations.setQueueLinks);

export const setObjectivesAction = actionOf(queueOperations.setObjectives);
export const clearObjectivesAction = actionOf(queueOperations.clearObjectives);

export const addUserAction = actionOf(userOperations.addUser);
export const updateUserAction = actionOf(userOperations.updateUser);
export const removeUserAction = actionOf(userOperations.removeUser);
export const createTokenAction = actionOf(userOperations.createToken);
export const revokeTokenAction = actionOf(userOperations.revokeToken);
export const signOutEverywhereAction = actionOf(userOperations.signOutEverywhere);
export const changeOwnPasswordAction = actionOf(userOperations.changeOwnPassword);
export const setPermissionsAction = actionOf(permissionOperations.setPermissions);

// Worker control (lib/operations/workers.ts)
export const quietWorkerAction = actionOf(workerOperations.quietWorker);
export const unquietWorkerAction = actionOf(workerOperations.unquietWorker);
export const stopWorkerAction = actionOf(workerOperations.stopWorker);
export const setWorkerConcurrencyAction = actionOf(workerOperations.setWorkerConcurrency);
export const pauseQueueLocallyAction = actionOf(workerOperations.pauseQueueLocally);
export const resumeQueueLocallyAction = actionOf(workerOperations.resumeQueueLocally);
export const resetCircuitAction = actionOf(workerOperations.resetCircuit);

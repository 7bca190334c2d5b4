'use server';
// Server actions of the schedules page: each is an operation of the table (lib/operations/schedules.ts).
import { actionOf } from '@/lib/http/action';
import { scheduleOperations as ops } from '@/lib/operations/schedules';

export const upsertScheduleAction = actionOf(ops.upsertSchedule);
export const pauseScheduleAction = actionOf(ops.pauseSchedule);
export const resumeScheduleAction = actionOf(ops.resumeSchedule);
export const runScheduleNowAction = actionOf(ops.runScheduleNow);
export const deleteScheduleAction = actionOf(ops.deleteSchedule);
export const migrateLegacyRepeatableAction = actionOf(ops.migrateLegacyRepeatable);

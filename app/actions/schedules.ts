'use server';
// Server actions of the schedules page; each calls the same function as its /api/v1 route.
import { z } from 'zod';
import { serverAction } from '@/lib/api/server-action';
import { deleteScheduleQuerySchema, migrateLegacyInputSchema, scheduleInputSchema, schedulerParamsSchema } from '@/lib/schedules/schema';
import { upsertSchedule } from '@/lib/schedules/upsert-schedule';
import { pauseSchedule } from '@/lib/schedules/pause-schedule';
import { resumeSchedule } from '@/lib/schedules/resume-schedule';
import { runScheduleNow } from '@/lib/schedules/run-schedule-now';
import { deleteSchedule } from '@/lib/schedules/delete-schedule';
import { migrateLegacyRepeatable } from '@/lib/schedules/migrate-legacy-repeatable';

export const upsertScheduleAction = serverAction({ role: 'operator', audit: 'schedule.upsert', input: z.object({ target: schedulerParamsSchema, schedule: scheduleInputSchema }) }, (i, ctx) =>
  upsertSchedule(ctx, i.target, i.schedule),
);

export const pauseScheduleAction = serverAction({ role: 'operator', audit: 'schedule.pause', input: schedulerParamsSchema }, (i, ctx) => pauseSchedule(ctx, i));
export const resumeScheduleAction = serverAction({ role: 'operator', audit: 'schedule.resume', input: schedulerParamsSchema }, (i, ctx) => resumeSchedule(ctx, i));
export const runScheduleNowAction = serverAction({ role: 'operator', audit: 'schedule.run', input: schedulerParamsSchema }, (i, ctx) => runScheduleNow(ctx, i));

export const deleteScheduleAction = serverAction({ role: 'operator', audit: 'schedule.delete', input: z.object({ target: schedulerParamsSchema, options: deleteScheduleQuerySchema.default({}) }) }, (i, ctx) =>
  deleteSchedule(ctx, i.target, i.options),
);

export const migrateLegacyRepeatableAction = serverAction(
  { role: 'operator', audit: 'schedule.migrate', input: z.object({ target: schedulerParamsSchema, migrate: migrateLegacyInputSchema.default({}) }) },
  (i, ctx) => migrateLegacyRepeatable(ctx, i.target, i.migrate),
);

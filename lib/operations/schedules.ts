// Operations on job schedulers: list, read, create or edit, pause, resume, run now, delete, migrate a
// BullMQ 5 repeatable job, preview a cron pattern's next runs; the watch's run history, and forgetting a gone scheduler.
import { queueParamsSchema } from '@/lib/queues/params';
import {
  cronPreviewInputSchema,
  deleteScheduleQuerySchema,
  migrateLegacyInputSchema,
  scheduleInputSchema,
  scheduleListQuerySchema,
  schedulerParamsSchema,
} from '@/lib/schedules/schema';
import { MAX_JOB_DATA_BYTES } from '@/lib/jobs/schemas';
import { scheduleRunsQuerySchema, scheduleRunsSchema } from '@/lib/schedules/watch/watch-record';
import { accessOf } from '@/lib/auth/principal';
import { operation } from './define';

const SCHEDULER = '/connections/{conn}/queues/{queue}/schedulers/{schedulerId}';
const exampleScheduler = { conn: 'default', queue: 'report', schedulerId: 'nightly' };
const JOB_BODY_BYTES = MAX_JOB_DATA_BYTES + 64 * 1024;

export const scheduleOperations = {
  listSchedules: operation({
    name: 'schedules.list', role: 'viewer', scope: 'filtered', http: { method: 'GET', path: '/schedulers' },
    summary: 'Every job scheduler (live and paused) of every connection, or of one queue with `queue=<conn>/<queue>`',
    query: scheduleListQuerySchema, example: { query: { queue: 'default/report' } },
    run: async (ctx, { query }) => (await import('@/lib/schedules/list-schedules')).listSchedules(query, accessOf(ctx.actor)),
  }),
  listQueueSchedules: operation({
    name: 'schedules.list-queue', role: 'viewer', http: { method: 'GET', path: '/connections/{conn}/queues/{queue}/schedulers' },
    summary: 'The job schedulers of one queue',
    params: queueParamsSchema, example: { params: { conn: 'default', queue: 'report' } },
    run: async (_ctx, { params }) => (await import('@/lib/schedules/list-schedules')).listSchedules({ queue: `${params.conn}/${params.queue}` }),
  }),
  getSchedule: operation({
    name: 'schedule.get', role: 'viewer', http: { method: 'GET', path: SCHEDULER },
    summary: 'One job scheduler: its pattern or interval, time zone, template, next run and last outcomes',
    params: schedulerParamsSchema, example: { params: exampleScheduler },
    run: async (_ctx, { params }) => (await import('@/lib/schedules/list-schedules')).getSchedule(params),
  }),
  upsertSchedule: operation({
    name: 'schedule.upsert', role: 'operator', http: { method: 'PUT', path: SCHEDULER }, action: 'upsertScheduleAction',
    summary: 'Create or edit a job scheduler (a cron pattern with a time zone, or an interval) and its job template',
    params: schedulerParamsSchema, body: scheduleInputSchema,
    maxBodyBytes: JOB_BODY_BYTES,
    example: { params: exampleScheduler, body: { pattern: '0 3 * * *', tz: 'Europe/Berlin', template: { name: 'report', data: { month: 'current' } } } },
    run: async (ctx, { params, body }) => (await import('@/lib/schedules/upsert-schedule')).upsertSchedule(ctx, params, body),
  }),
  deleteSchedule: operation({
    name: 'schedule.delete', role: 'operator', http: { method: 'DELETE', path: SCHEDULER }, action: 'deleteScheduleAction',
    summary: 'Delete a job scheduler and its pending job (`only=live|paused` when both exist)',
    params: schedulerParamsSchema, query: deleteScheduleQuerySchema, example: { params: exampleScheduler, query: {} },
    run: async (ctx, { params, query }) => (await import('@/lib/schedules/delete-schedule')).deleteSchedule(ctx, params, query),
  }),
  pauseSchedule: operation({
    name: 'schedule.pause', role: 'operator', http: { method: 'POST', path: `${SCHEDULER}/pause` }, action: 'pauseScheduleAction',
    summary: 'Pause a job scheduler: it makes no jobs until resumed (its definition is kept)',
    params: schedulerParamsSchema, example: { params: exampleScheduler },
    run: async (ctx, { params }) => (await import('@/lib/schedules/pause-schedule')).pauseSchedule(ctx, params),
  }),
  resumeSchedule: operation({
    name: 'schedule.resume', role: 'operator', http: { method: 'POST', path: `${SCHEDULER}/resume` }, action: 'resumeScheduleAction',
    summary: 'Resume a paused job scheduler, keeping its iteration count and phase',
    params: schedulerParamsSchema, example: { params: exampleScheduler },
    run: async (ctx, { params }) => (await import('@/lib/schedules/resume-schedule')).resumeSchedule(ctx, params),
  }),
  runScheduleNow: operation({
    name: 'schedule.run', role: 'operator', http: { method: 'POST', path: `${SCHEDULER}/run` }, action: 'runScheduleNowAction',
    summary: 'Enqueue one job from the scheduler’s template now, leaving the schedule as it is',
    params: schedulerParamsSchema, example: { params: exampleScheduler },
    run: async (ctx, { params }) => (await import('@/lib/schedules/run-schedule-now')).runScheduleNow(ctx, params),
  }),
  migrateLegacyRepeatable: operation({
    name: 'schedule.migrate', role: 'operator', http: { method: 'POST', path: `${SCHEDULER}/migrate` }, action: 'migrateLegacyRepeatableAction',
    summary: 'Turn a BullMQ 5 repeatable job (its key as `schedulerId`) into a job scheduler',
    params: schedulerParamsSchema, body: migrateLegacyInputSchema, example: { params: exampleScheduler, body: { id: 'nightly' } },
    maxBodyBytes: JOB_BODY_BYTES,
    run: async (ctx, { params, body }) => (await import('@/lib/schedules/migrate-legacy-repeatable')).migrateLegacyRepeatable(ctx, params, body),
  }),
  scheduleRuns: operation({
    name: 'schedule.runs', role: 'viewer', http: { method: 'GET', path: `${SCHEDULER}/runs` },
    summary: 'A job scheduler’s health as of the last watch round (ok, missed, late, gone) and its last runs: due, enqueued, started, finished, outcome',
    params: schedulerParamsSchema, query: scheduleRunsQuerySchema, output: scheduleRunsSchema, example: { params: exampleScheduler, query: { limit: 20 } },
    run: async (_ctx, { params, query }) => (await import('@/lib/schedules/watch/schedule-runs')).readScheduleRuns(params, query.limit),
  }),
  forgetSchedule: operation({
    name: 'schedule.forget', role: 'operator', http: { method: 'DELETE', path: `${SCHEDULER}/watch` }, action: 'forgetScheduleAction',
    summary: 'Forget a scheduler the watch reports as gone (or any watched one): its watch record and run history are removed',
    params: schedulerParamsSchema, example: { params: exampleScheduler },
    run: async (ctx, { params }) => (await import('@/lib/schedules/watch/forget-schedule')).forgetSchedule(ctx, params),
  }),
  previewCron: operation({
    name: 'cron.preview', role: 'viewer', scope: 'self', http: { method: 'POST', path: '/cron/preview' },
    summary: 'The next runs of a cron pattern or interval in its time zone (DST transitions marked), or the field that is wrong',
    body: cronPreviewInputSchema, example: { body: { pattern: '30 2 * * *', tz: 'Europe/Berlin', count: 5 } },
    maxBodyBytes: 16 * 1024,
    run: async (_ctx, { body }) => (await import('@/lib/schedules/preview-cron')).previewCron(body),
  }),
};

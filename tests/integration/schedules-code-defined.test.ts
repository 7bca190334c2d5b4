// Schedules the bundled workers declare in code, paused in the console: a worker restart leaves them
// paused (no live scheduler next to the paused copy) and still upserts the ones that are not paused.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs, configureConnections } from '../helpers/console-env';
import { closeAllConnections } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { pauseSchedule } from '@/lib/schedules/pause-schedule';
import { resumeSchedule } from '@/lib/schedules/resume-schedule';
import { upsertSchedule } from '@/lib/schedules/upsert-schedule';
import { scheduleInputSchema } from '@/lib/schedules/schema';
import { getSchedule, listSchedules } from '@/lib/schedules/list-schedules';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { reportKind } from '@/lib/job-kinds/report';

const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };
const operator = ctxAs('operator', 'op@test');
const PAUSED = 'hourly-webhook-report';
const OTHER = 'email-report-every-6h';

let redis: TestRedis;
let client: Redis;
let report: Queue;
const logs: Array<Record<string, unknown>> = [];

/** The runtime as `npm run workers report` starts it, with a processor that does nothing. */
function startReportWorkers(): Promise<Runtime> {
  return startRuntime({
    connection: { name: 'main', url: redis.url, prefix: 'bull' },
    kinds: [{ definition: reportKind, processor: { type: 'inline', process: async () => ({}) } }],
    settings,
    logger: createWorkerLogger({ worker: 'test' }, { write: (line: string) => void logs.push(JSON.parse(line)) }, 'debug'),
    cancellation: false,
    deadLetters: false,
  });
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  await configureConnections([{ name: 'main', url: redis.url }]);
  report = new Queue('report', { connection: client });
});

afterAll(async () => {
  await report?.close();
  await closeAllConnections();
  await redis?.stop();
});

describe('a schedule defined in code and paused in the console', () => {
  it('stays paused when the workers restart: no live scheduler appears next to the paused copy', async () => {
    const first = await startReportWorkers();
    await first.close();
    expect(await report.getJobScheduler(PAUSED)).toMatchObject({ pattern: '5 * * * *', tz: 'UTC' });

    const t = { conn: 'main', queue: 'report', schedulerId: PAUSED };
    await pauseSchedule(operator, t);
    expect(await report.getJobScheduler(PAUSED)).toBeUndefined();

    logs.length = 0;
    const second = await startReportWorkers();
    await second.close();

    expect(await report.getJobScheduler(PAUSED)).toBeUndefined();
    expect(await client.hexists(KEYS.pausedSchedulers('bull'), `report:${PAUSED}`)).toBe(1);
    const schedule = await getSchedule(t);
    expect(schedule).toMatchObject({ state: 'paused', definedInCode: true, pausedBy: 'op@test' });
    expect(schedule.conflict).toBeUndefined();
    const listed = (await listSchedules({ queue: 'main/report' })).schedules;
    expect(listed.filter((s) => s.id === PAUSED).map((s) => s.state)).toEqual(['paused']);
    // The kind's other scheduler is upserted as before.
    expect(listed.find((s) => s.id === OTHER)).toMatchObject({ state: 'active', every: 6 * 60 * 60 * 1000 });
    expect(logs.find((l) => l.event === 'scheduler.kept_paused')).toMatchObject({ queue: 'report', scheduler: PAUSED });
    expect(logs.filter((l) => l.event === 'scheduler.upserted').map((l) => l.scheduler)).toEqual([OTHER]);

    // Editing the paused copy keeps it paused, and says when the code's definition comes back.
    const edited = await upsertSchedule(operator, t, scheduleInputSchema.parse({ pattern: '15 * * * *', tz: 'UTC', template: { name: 'queue-report', data: { queue: 'webhook' } } }));
    expect(edited).toMatchObject({ state: 'paused', message: 'Schedule "hourly-webhook-report" updated; it stays paused until resumed. It is defined in code: once it is resumed, the next worker start overwrites this change.' });

    // Once resumed, the next start upserts it again (the code's definition wins, as for any live one).
    await resumeSchedule(operator, t);
    const third = await startReportWorkers();
    await third.close();
    expect(await report.getJobScheduler(PAUSED)).toMatchObject({ pattern: '5 * * * *', tz: 'UTC' });
    expect(await client.hexists(KEYS.pausedSchedulers('bull'), `report:${PAUSED}`)).toBe(0);
  });
});

// Schedules on both stores (one suite, parameterized): create, list with facts and outcomes, edit,
// pause (the definition kept with Drover's own data), resume, run now and delete — through BullMQ's
// scheduler API on a real redis-server and a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { ctxAs } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections } from '@/lib/redis/connections';
import { upsertSchedule } from '@/lib/schedules/upsert-schedule';
import { pauseSchedule } from '@/lib/schedules/pause-schedule';
import { resumeSchedule } from '@/lib/schedules/resume-schedule';
import { runScheduleNow } from '@/lib/schedules/run-schedule-now';
import { deleteSchedule } from '@/lib/schedules/delete-schedule';
import { listSchedules } from '@/lib/schedules/list-schedules';
import { scheduleInputSchema, type ScheduleInput } from '@/lib/schedules/schema';

const operator = ctxAs('operator', 'op@test');
type RawInput = Omit<z.input<typeof scheduleInputSchema>, 'template'> & { template?: Partial<z.input<typeof scheduleInputSchema>['template']> };
const input = (i: RawInput): ScheduleInput => scheduleInputSchema.parse({ ...i, template: { name: 'tick', ...i.template } });

describe.each(STORE_KINDS)('schedules on %s', (kind) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('creates cron and interval schedules, lists them with their facts, and edits one in place', async () => {
    const queue = store.queue('nightly');
    const cron = await upsertSchedule(operator, { conn: 'main', queue: 'nightly', schedulerId: 'weekday-9' }, input({ pattern: '0 9 * * 1-5', tz: 'Europe/Berlin', template: { name: 'digest', data: '{"to": "ops"}' } }));
    expect(cron).toMatchObject({ state: 'active', created: true });
    expect(cron.message).toMatch(/^Schedule "weekday-9" created on nightly: next run .* 09:00:00 \+0[12]:00 Europe\/Berlin\.$/);
    await upsertSchedule(operator, { conn: 'main', queue: 'nightly', schedulerId: 'heartbeat' }, input({ every: 60_000, limit: 100, template: { name: 'ping', opts: { attempts: 3 } } }));
    const stored = await queue.getJobScheduler('weekday-9');
    const list = await listSchedules({ queue: 'main/nightly' });
    const byId = Object.fromEntries(list.schedules.map((s) => [s.id, s]));
    expect(byId['weekday-9']).toMatchObject({ connection: 'main', queue: 'nightly', state: 'active', pattern: '0 9 * * 1-5', tz: 'Europe/Berlin', next: stored!.next, iterationCount: 1, template: { name: 'digest', data: { to: 'ops' } } });
    expect(byId.heartbeat).toMatchObject({ every: 60_000, limit: 100, description: 'Every 1m', template: { name: 'ping', opts: { attempts: 3 } } });

    const edited = await upsertSchedule(operator, { conn: 'main', queue: 'nightly', schedulerId: 'weekday-9' }, input({ pattern: '30 7 * * *', tz: 'UTC', template: { name: 'digest', data: { v: 2 } } }));
    expect(edited.created).toBe(false);
    expect(await queue.getJobScheduler('weekday-9')).toMatchObject({ pattern: '30 7 * * *', tz: 'UTC', template: { data: { v: 2 } } });
  });

  it('pauses a schedule (its pending run cancelled, the definition kept) and resumes it unchanged', async () => {
    const queue = store.queue('roundtrip');
    const t = { conn: 'main', queue: 'roundtrip', schedulerId: 'billing' };
    await upsertSchedule(operator, t, input({ pattern: '15 4 * * *', tz: 'Asia/Tokyo', limit: 12, template: { name: 'charge', data: { plan: 'pro' }, opts: { attempts: 4 } } }));
    const before = await queue.getJobScheduler('billing');
    expect(await queue.getDelayedCount()).toBe(1);
    expect((await pauseSchedule(operator, t)).message).toBe('Schedule "billing" paused: it produces no job until resumed');
    expect(await queue.getJobScheduler('billing')).toBeUndefined();
    expect(await queue.getDelayedCount()).toBe(0);
    await expect(pauseSchedule(operator, t)).rejects.toThrow('Schedule "billing" is already paused');
    // A new console process still lists it as paused.
    await closeAllConnections();
    const listed = (await listSchedules({ queue: 'main/roundtrip' })).schedules;
    expect(listed.map((s) => [s.id, s.state, s.pausedBy])).toEqual([['billing', 'paused', 'op@test']]);

    const resumed = await resumeSchedule(operator, t);
    expect(resumed.message).toMatch(/^Schedule "billing" resumed: next run .* 04:15:00 \+09:00 Asia\/Tokyo$/);
    const after = await queue.getJobScheduler('billing');
    expect(after).toMatchObject({ pattern: before!.pattern, tz: before!.tz, next: before!.next, template: { data: { plan: 'pro' } } });
    expect(await queue.getDelayedCount()).toBe(1);
    expect((await listSchedules({ queue: 'main/roundtrip' })).schedules.map((s) => s.state)).toEqual(['active']);
  });

  it('runs a schedule now (the schedule unchanged), lists the outcomes of the jobs it produced, and deletes it', async () => {
    const queue = store.queue('beats');
    const t = { conn: 'main', queue: 'beats', schedulerId: 'pulse' };
    await upsertSchedule(operator, t, input({ every: 1000, template: { name: 'beat', data: { n: 1 } } }));
    const run = await runScheduleNow(operator, t);
    expect(run.message).toBe(`Enqueued job ${run.jobId} from schedule "pulse"; the schedule is unchanged`);
    store.worker('beats', async () => 'ok');
    await waitFor(async () => ((await listSchedules({ queue: 'main/beats' })).schedules[0]?.outcomes ?? []).length >= 2, { what: 'two outcomes of the schedule', timeout: 20_000 });
    const [listed] = (await listSchedules({ queue: 'main/beats' })).schedules;
    expect(listed.outcomes.every((o) => o.state === 'completed' && o.jobId.startsWith('repeat:pulse:'))).toBe(true);
    expect(listed.outcomes.map((o) => o.finishedOn)).toEqual([...listed.outcomes.map((o) => o.finishedOn)].sort((a, b) => b - a));
    expect(await queue.getJob(run.jobId)).toBeDefined();
    await deleteSchedule(operator, t);
    expect(await queue.getJobScheduler('pulse')).toBeUndefined();
    expect((await listSchedules({ queue: 'main/beats' })).schedules).toEqual([]);
  });
});

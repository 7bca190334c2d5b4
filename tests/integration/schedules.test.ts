// Job schedulers from the console against a real Redis: create, edit, pause/resume, run now, delete,
// precise refusals that change nothing, a real worker fed by a 1-second schedule, and the API routes.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { ctxAs, redisForThisFile } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { upsertSchedule } from '@/lib/schedules/upsert-schedule';
import { formatInZoneWithOffset } from '@/lib/schedules/zone-format';
import { pauseSchedule } from '@/lib/schedules/pause-schedule';
import { resumeSchedule } from '@/lib/schedules/resume-schedule';
import { runScheduleNow } from '@/lib/schedules/run-schedule-now';
import { deleteSchedule } from '@/lib/schedules/delete-schedule';
import { getSchedule, listSchedules } from '@/lib/schedules/list-schedules';
import { scheduleInputSchema, type ScheduleInput } from '@/lib/schedules/schema';
import * as schedulerRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/schedulers/[schedulerId]/route';
import * as pauseRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/schedulers/[schedulerId]/pause/route';
import * as listRoute from '@/app/api/v1/schedulers/route';
import * as previewRoute from '@/app/api/v1/cron/preview/route';
import { lastAudit } from '../helpers/audit';

const redis = redisForThisFile((url) => [{ name: 'main', url }, { name: 'frozen', url, readOnly: true }]);
let client: Redis;
const operator = ctxAs('operator', 'op@test');
const viewer = ctxAs('viewer', 'eve@test');
const admin = ctxAs('admin', 'boss@test');
const DAY = 86_400_000;

function q(name: string) {
  return redis.track(new Queue(name, { connection: { url: redis.url } }));
}

type RawInput = Omit<z.input<typeof scheduleInputSchema>, 'template'> & { template?: Partial<z.input<typeof scheduleInputSchema>['template']> };
const input = (i: RawInput): ScheduleInput => scheduleInputSchema.parse({ ...i, template: { name: 'tick', ...i.template } });

/** Everything BullMQ stores about the queue's schedulers, to prove a refused call changed nothing. */
async function snapshot(queue: string) {
  const ids = (await client.zrange(`bull:${queue}:repeat`, '0', '-1', 'WITHSCORES')) as string[];
  const hashes = await Promise.all(ids.filter((_, i) => i % 2 === 0).map((id) => client.hgetall(`bull:${queue}:repeat:${id}`)));
  return { ids, hashes, delayed: await client.zrange(`bull:${queue}:delayed`, '0', '-1'), paused: await client.hgetall(KEYS.pausedSchedulers('bull')) };
}

beforeAll(() => {
  client = redis.client();
});

beforeEach(async () => {
  await client.del(KEYS.audit);
});

describe('create and edit', () => {
  it('creates a cron schedule with a time zone and an interval schedule, both listed with their facts', async () => {
    const queue = q('nightly');
    const cron = await upsertSchedule(operator, { conn: 'main', queue: 'nightly', schedulerId: 'weekday-9' }, input({ pattern: '0 9 * * 1-5', tz: 'Europe/Berlin', template: { name: 'digest', data: '{"to": "ops"}' } }));
    expect(cron).toMatchObject({ state: 'active', created: true, definedInCode: false });
    // The next run in the schedule's own zone, labelled with it (not UTC ISO).
    expect(cron.message).toMatch(/^Schedule "weekday-9" created on nightly: next run (Mon|Tue|Wed|Thu|Fri) \d{4}-\d{2}-\d{2} 09:00:00 \+0[12]:00 Europe\/Berlin\.$/);
    const every = await upsertSchedule(operator, { conn: 'main', queue: 'nightly', schedulerId: 'heartbeat' }, input({ every: 60_000, limit: 100, template: { name: 'ping', opts: { attempts: 3 } } }));
    expect(every.created).toBe(true);

    const stored = await queue.getJobScheduler('weekday-9');
    expect(stored).toMatchObject({ name: 'digest', pattern: '0 9 * * 1-5', tz: 'Europe/Berlin', template: { data: { to: 'ops' } } });
    // The next run is 09:00 Berlin time on a weekday.
    const next = new Date(stored!.next!);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(next)).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);

    const list = await listSchedules({ queue: 'main/nightly' });
    const byId = Object.fromEntries(list.schedules.map((s) => [s.id, s]));
    expect(byId['weekday-9']).toMatchObject({
      connection: 'main',
      queue: 'nightly',
      state: 'active',
      pattern: '0 9 * * 1-5',
      tz: 'Europe/Berlin',
      description: 'At 09:00, Monday through Friday',
      next: stored!.next,
      iterationCount: 1,
      template: { name: 'digest', data: { to: 'ops' } },
      definedInCode: false,
    });
    expect(byId.heartbeat).toMatchObject({ every: 60_000, limit: 100, description: 'Every 1m', template: { name: 'ping', opts: { attempts: 3 } } });
    expect(list.legacy).toEqual([]);
    expect(await lastAudit(client)).toMatchObject({ action: 'schedule.upsert', outcome: 'ok', actor: 'op@test', connection: 'main', queue: 'nightly', params: { id: 'heartbeat', every: 60_000 } });
  });

  it('edits a schedule in place, keeping its iteration count, and refuses "create" over an existing id', async () => {
    const queue = q('edits');
    const t = { conn: 'main', queue: 'edits', schedulerId: 'report' };
    await upsertSchedule(operator, t, input({ pattern: '0 6 * * *', tz: 'UTC' }));
    const firstNext = (await queue.getJobScheduler('report'))!.next!;
    const edited = await upsertSchedule(operator, t, input({ pattern: '30 7 * * *', tz: 'America/New_York', template: { name: 'tick', data: { v: 2 } } }));
    expect(edited).toMatchObject({ state: 'active', created: false });
    expect(edited.message).toMatch(/^Schedule "report" updated on edits/);
    const after = await queue.getJobScheduler('report');
    expect(after).toMatchObject({ pattern: '30 7 * * *', tz: 'America/New_York', iterationCount: 1, template: { data: { v: 2 } } });
    expect(after!.next).not.toBe(firstNext);
    // The old pending job was replaced, not kept next to the new one.
    expect(await queue.getDelayedCount()).toBe(1);

    await expect(upsertSchedule(operator, t, input({ pattern: '0 8 * * *', expectNew: true }))).rejects.toThrow('A schedule with id "report" already exists in queue "edits": choose another id, or edit that one');
    expect((await queue.getJobScheduler('report'))!.pattern).toBe('30 7 * * *');
  });

  it('marks schedules the bundled workers declare as defined in code, and checks template data against the registry schema', async () => {
    q('report');
    const t = { conn: 'main', queue: 'report', schedulerId: 'hourly-webhook-report' };
    await expect(upsertSchedule(operator, t, input({ pattern: '5 * * * *', tz: 'UTC', template: { name: 'queue-report', data: { queue: 'webhook', lastMinutes: 0 } } }))).rejects.toMatchObject({
      message: expect.stringMatching(/^Data does not match the report schema: data\.lastMinutes/),
      fieldErrors: { 'template.data.lastMinutes': [expect.any(String)] },
    });
    await expect(upsertSchedule(operator, t, input({ pattern: '5 * * * *', template: { name: 'nope', data: { queue: 'webhook' } } }))).rejects.toThrow(/"nope" would never run/);
    const created = await upsertSchedule(operator, t, input({ pattern: '5 * * * *', tz: 'UTC', template: { name: 'queue-report', data: { queue: 'webhook' } } }));
    expect(created.definedInCode).toBe(true);
    const edited = await upsertSchedule(operator, t, input({ pattern: '10 * * * *', tz: 'UTC', template: { name: 'queue-report', data: { queue: 'webhook' } } }));
    expect(edited.message).toMatch(/defined in code: the next worker start overwrites this change/);
    expect((await getSchedule(t)).definedInCode).toBe(true);
  });
});

describe('refusals say what is wrong and change nothing', () => {
  const cases: Array<[string, RawInput, string, string]> = [
    ['minute out of range', { pattern: '61 * * * *', tz: 'UTC' }, 'Invalid cron pattern "61 * * * *": minute field: 61 is out of range 0-59', 'pattern'],
    ['too few fields', { pattern: '* * *' }, 'Invalid cron pattern "* * *": Expected 5 or 6 fields (minute hour day-of-month month day-of-week, with an optional leading second), got 3', 'pattern'],
    ['unknown time zone', { pattern: '0 9 * * *', tz: 'Mars/Base' }, 'Unknown time zone "Mars/Base"', 'tz'],
    [
      'end before start',
      { pattern: '0 9 * * *', startDate: '2031-05-02T00:00:00Z', endDate: '2031-05-01T00:00:00Z' },
      'endDate (2031-05-01T00:00:00.000Z) must be after startDate (2031-05-02T00:00:00.000Z)',
      'endDate',
    ],
    ['interval under a second', { every: 500 }, 'every must be at least 1000 ms (1 second); got 500', 'every'],
    ['both cron and interval', { pattern: '* * * * *', every: 5000 }, 'Give either a cron pattern or an interval (every), not both', 'every'],
  ];

  it.each(cases)('%s', async (_label, bad, message, field) => {
    const queue = q('strict');
    const t = { conn: 'main', queue: 'strict', schedulerId: 'existing' };
    if (!(await queue.getJobScheduler('existing'))) await upsertSchedule(operator, t, input({ pattern: '0 3 * * *', tz: 'UTC', template: { data: { keep: true } } }));
    const before = await snapshot('strict');
    // Both a new id and an edit of the existing one are refused.
    for (const schedulerId of ['fresh', 'existing']) {
      const err = await upsertSchedule(operator, { ...t, schedulerId }, input(bad)).catch((e) => e);
      expect(err).toMatchObject({ code: 'invalid', message, fieldErrors: { [field]: [message] } });
    }
    expect(await snapshot('strict')).toEqual(before);
    expect(await lastAudit(client)).toMatchObject({ action: 'schedule.upsert', outcome: 'invalid', message, queue: 'strict' });
  });

  it('refuses viewers and read-only connections', async () => {
    q('guarded');
    await expect(upsertSchedule(viewer, { conn: 'main', queue: 'guarded', schedulerId: 'x' }, input({ every: 5000 }))).rejects.toThrow('This needs the operator role; you are viewer');
    await expect(pauseSchedule(operator, { conn: 'frozen', queue: 'guarded', schedulerId: 'x' })).rejects.toThrow('Connection "frozen" is read-only: changes are disabled');
    expect(await lastAudit(client)).toMatchObject({ action: 'schedule.pause', outcome: 'denied', connection: 'frozen' });
    expect(await client.exists('bull:guarded:repeat')).toBe(0);
  });
});

describe('pause and resume', () => {
  it('round-trips every field of a cron schedule, survives a console restart, and removes the pending job while paused', async () => {
    const queue = q('roundtrip');
    const t = { conn: 'main', queue: 'roundtrip', schedulerId: 'billing' };
    const start = Date.now() + 2 * DAY;
    await upsertSchedule(
      operator,
      t,
      input({
        pattern: '15 4 * * *',
        tz: 'Asia/Tokyo',
        startDate: start,
        endDate: start + 30 * DAY,
        limit: 12,
        template: { name: 'charge', data: { plan: 'pro', seats: [1, 2] }, opts: { attempts: 4, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 3600, count: 50 }, priority: 3 } },
      }),
    );
    const before = await queue.getJobScheduler('billing');
    expect(before).toMatchObject({ pattern: '15 4 * * *', tz: 'Asia/Tokyo', startDate: start, endDate: start + 30 * DAY, limit: 12, iterationCount: 1 });
    expect(await queue.getDelayedCount()).toBe(1);

    expect((await pauseSchedule(operator, t)).message).toBe('Schedule "billing" paused: it produces no job until resumed');
    expect(await queue.getJobScheduler('billing')).toBeUndefined();
    expect(await queue.getDelayedCount()).toBe(0);
    await expect(pauseSchedule(operator, t)).rejects.toThrow('Schedule "billing" is already paused');

    // A new console process (fresh clients and caches) still lists it as paused.
    await closeAllConnections();
    const listed = (await listSchedules({ queue: 'main/roundtrip' })).schedules;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: 'billing', state: 'paused', pausedBy: 'op@test', next: null, pattern: '15 4 * * *', tz: 'Asia/Tokyo', limit: 12 });

    const resumed = await resumeSchedule(operator, t);
    expect(resumed.message).toBe(`Schedule "billing" resumed: next run ${formatInZoneWithOffset(before!.next!, 'Asia/Tokyo')} Asia/Tokyo`);
    expect(resumed.message).toMatch(/ 04:15:00 \+09:00 Asia\/Tokyo$/);
    const after = await queue.getJobScheduler('billing');
    expect(after).toEqual(before);
    expect(await queue.getDelayedCount()).toBe(1);
    expect(await client.hexists(KEYS.pausedSchedulers('bull'), 'roundtrip:billing')).toBe(0);
    expect(await lastAudit(client)).toMatchObject({ action: 'schedule.resume', outcome: 'ok', params: { id: 'billing' } });
  });

  it('keeps an interval schedule’s phase (offset) and its iteration count across a pause', async () => {
    const queue = q('phased');
    const t = { conn: 'main', queue: 'phased', schedulerId: 'pulse' };
    // A worker runs a 1-second schedule a few times so the iteration count moves past 1.
    await upsertSchedule(operator, t, input({ every: 1000, template: { name: 'beat', data: { n: 1 } } }));
    const worker = new Worker('phased', async () => 'ok', { connection: { url: redis.url } });
    redis.track({ close: () => worker.close(true) });
    await waitFor(async () => (await queue.getCompletedCount()) >= 3, { timeout: 20_000, what: '3 completed beats' });
    await worker.close();
    // No worker now: the next beat waits in "delayed" and is the one the pause cancels.
    const before = (await queue.getJobScheduler('pulse'))!;
    expect(before.iterationCount).toBeGreaterThanOrEqual(4);
    expect(before.offset).toEqual(expect.any(Number));
    expect(await client.zscore('bull:phased:delayed', `repeat:pulse:${before.next}`)).not.toBeNull();

    await pauseSchedule(operator, t);
    await new Promise((r) => setTimeout(r, 1100));
    await resumeSchedule(operator, t);
    const after = (await queue.getJobScheduler('pulse'))!;
    // Same fields; the next run moved on but stays on the same phase (next ≡ offset mod every).
    expect(after).toEqual({ ...before, next: expect.any(Number) });
    expect(after.next!).toBeGreaterThan(before.next!);
    expect((after.next! - after.offset!) % 1000).toBe(0);
    expect(await client.zscore('bull:phased:delayed', `repeat:pulse:${after.next}`)).not.toBeNull();
  });

  it('counts a due job that still waits for a worker as done: it runs, and the resumed schedule numbers the next one after it', async () => {
    const queue = q('due');
    const t = { conn: 'main', queue: 'due', schedulerId: 'now' };
    // An interval schedule's first job is due at once: it sits in "waiting" (no worker), not "delayed".
    await upsertSchedule(operator, t, input({ every: 60_000 }));
    const [due] = await queue.getWaiting(0, 0);
    expect(due.id).toMatch(/^repeat:now:\d+$/);
    await pauseSchedule(operator, t);
    expect(await queue.getJobState(due.id!)).toBe('waiting');
    await resumeSchedule(operator, t);
    const after = (await queue.getJobScheduler('now'))!;
    expect(after.iterationCount).toBe(2);
    const pending = await queue.getJob(`repeat:now:${after.next}`);
    expect((pending!.opts as { repeat?: unknown }).repeat).toMatchObject({ count: 2, every: 60_000 });
  });

  it('reports a paused schedule that was re-created meanwhile instead of overwriting the live one', async () => {
    const queue = q('recreated');
    const t = { conn: 'main', queue: 'recreated', schedulerId: 'sync' };
    await upsertSchedule(operator, t, input({ pattern: '0 * * * *', tz: 'UTC', template: { data: { v: 'old' } } }));
    await pauseSchedule(operator, t);
    // Someone (a deploy, another tool) creates it again through BullMQ.
    await queue.upsertJobScheduler('sync', { pattern: '*/10 * * * *' }, { name: 'tick', data: { v: 'new' } });

    const listed = (await listSchedules({ queue: 'main/recreated' })).schedules;
    expect(listed.map((s) => [s.state, s.conflict ?? null])).toEqual([
      ['active', null],
      ['paused', 'A live schedule with this id was created after this one was paused: resuming would replace it. Delete the paused copy or the live schedule.'],
    ]);
    await expect(resumeSchedule(operator, t)).rejects.toThrow(
      'A live schedule "sync" exists in queue "recreated" (re-created after this one was paused): resuming would overwrite it. Delete the live schedule or the paused copy first',
    );
    expect(await queue.getJobScheduler('sync')).toMatchObject({ pattern: '*/10 * * * *', template: { data: { v: 'new' } } });
    await expect(pauseSchedule(operator, t)).rejects.toThrow(/A paused copy of schedule "sync" already exists/);

    expect((await deleteSchedule(operator, t, { only: 'paused' })).message).toBe('Schedule "sync" (paused) deleted from recreated.');
    expect(await queue.getJobScheduler('sync')).toMatchObject({ pattern: '*/10 * * * *' });
    expect((await listSchedules({ queue: 'main/recreated' })).schedules.map((s) => s.state)).toEqual(['active']);
  });

  it('edits a paused schedule without resuming it', async () => {
    const queue = q('paused-edit');
    const t = { conn: 'main', queue: 'paused-edit', schedulerId: 'later' };
    await upsertSchedule(operator, t, input({ pattern: '0 1 * * *', tz: 'UTC' }));
    await pauseSchedule(operator, t);
    const out = await upsertSchedule(operator, t, input({ pattern: '0 2 * * *', tz: 'UTC' }));
    expect(out).toMatchObject({ state: 'paused', message: 'Schedule "later" updated; it stays paused until resumed.' });
    expect(await queue.getJobScheduler('later')).toBeUndefined();
    await resumeSchedule(operator, t);
    expect(await queue.getJobScheduler('later')).toMatchObject({ pattern: '0 2 * * *' });
  });
});

describe('run now and delete', () => {
  it('run now enqueues exactly one job from the template and leaves the schedule untouched', async () => {
    const queue = q('runnow');
    const t = { conn: 'main', queue: 'runnow', schedulerId: 'export' };
    await upsertSchedule(operator, t, input({ pattern: '0 0 1 * *', tz: 'UTC', template: { name: 'export', data: { format: 'csv' }, opts: { attempts: 2 } } }));
    const before = await queue.getJobScheduler('export');
    const counts = await queue.getJobCounts();

    const out = await runScheduleNow(operator, t);
    expect(out.message).toBe(`Enqueued job ${out.jobId} from schedule "export"; the schedule is unchanged`);
    const after = await queue.getJobCounts();
    expect(after.waiting).toBe(counts.waiting + 1);
    expect(after.delayed).toBe(counts.delayed);
    const job = await queue.getJob(out.jobId);
    expect(job).toMatchObject({ name: 'export', data: { format: 'csv' }, opts: expect.objectContaining({ attempts: 2 }) });
    expect(job!.repeatJobKey).toBeUndefined();
    expect(await queue.getJobScheduler('export')).toEqual(before);
    expect(await lastAudit(client)).toMatchObject({ action: 'schedule.run', outcome: 'ok', jobIds: [out.jobId] });
  });

  it('deletes a schedule with its pending job; unknown ids are 404', async () => {
    const queue = q('deletes');
    const t = { conn: 'main', queue: 'deletes', schedulerId: 'gone-soon' };
    await upsertSchedule(operator, t, input({ pattern: '0 0 * * *', tz: 'UTC' }));
    expect(await queue.getDelayedCount()).toBe(1);
    expect((await deleteSchedule(operator, t)).message).toBe('Schedule "gone-soon" deleted from deletes.');
    expect(await queue.getJobScheduler('gone-soon')).toBeUndefined();
    expect(await queue.getDelayedCount()).toBe(0);
    await expect(deleteSchedule(operator, t)).rejects.toMatchObject({ status: 404, message: 'No schedule "gone-soon" in queue "deletes" on connection "main"' });
    // A paused schedule is deleted too (its stored copy).
    await upsertSchedule(operator, t, input({ every: 5000 }));
    await pauseSchedule(operator, t);
    expect((await deleteSchedule(operator, t)).message).toBe('Schedule "gone-soon" (paused) deleted from deletes.');
    expect((await listSchedules({ queue: 'main/deletes' })).schedules).toEqual([]);
  });
});

describe('a real worker', () => {
  it('produces jobs from a 1-second interval schedule, and the list shows them as the last outcomes', async () => {
    const queue = q('every-second');
    await upsertSchedule(operator, { conn: 'main', queue: 'every-second', schedulerId: 'tick' }, input({ every: 1000, template: { name: 'tick', data: { from: 'console' } } }));
    const seen: Array<{ id: string; data: unknown; rjk?: string }> = [];
    const worker = new Worker(
      'every-second',
      async (job) => {
        seen.push({ id: job.id!, data: job.data, rjk: job.repeatJobKey });
        if (seen.length === 2) throw new Error('second one fails');
        return 'done';
      },
      { connection: { url: redis.url } },
    );
    redis.track({ close: () => worker.close(true) });
    await waitFor(() => seen.length >= 3, { timeout: 20_000, what: '3 produced jobs' });
    await worker.close();
    expect(seen.slice(0, 3).every((j) => j.rjk === 'tick' && /^repeat:tick:\d+$/.test(j.id))).toBe(true);
    expect(seen[0].data).toEqual({ from: 'console' });
    // Runs are a second apart.
    const times = seen.slice(0, 3).map((j) => Number(j.id.split(':')[2]));
    expect(times[1] - times[0]).toBe(1000);
    expect(times[2] - times[1]).toBe(1000);

    const schedule = await getSchedule({ conn: 'main', queue: 'every-second', schedulerId: 'tick' });
    expect(schedule.iterationCount).toBeGreaterThanOrEqual(3);
    const outcomes = schedule.outcomes.filter((o) => seen.slice(0, 3).some((s) => s.id === o.jobId));
    expect(outcomes.map((o) => o.state).sort()).toEqual(['completed', 'completed', 'failed']);
    expect(schedule.outcomes.map((o) => o.finishedOn)).toEqual([...schedule.outcomes.map((o) => o.finishedOn)].sort((a, b) => b - a));
    expect(await queue.getFailedCount()).toBe(1);
  });
});

describe('HTTP API', () => {
  it('PUT, GET, pause and list through the route handlers, with the same errors and guards', async () => {
    q('api-sched');
    const { token } = await issueApiToken(admin, { name: 'ops-bot', role: 'operator' });
    const { token: viewerToken } = await issueApiToken(admin, { name: 'eye', role: 'viewer' });
    const params = { conn: 'main', queue: 'api-sched', schedulerId: 'hourly' };
    const call = (handler: (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>, init: RequestInit, bearer = token, p: Record<string, string> = params, url = 'http://console.test/x') =>
      handler(new Request(url, { ...init, headers: { authorization: `Bearer ${bearer}`, ...init.headers } }), { params: Promise.resolve(p) });

    const bad = await call(schedulerRoute.PUT, { method: 'PUT', body: JSON.stringify({ pattern: '61 * * * *', template: { name: 'x' } }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: 'invalid', message: 'Invalid cron pattern "61 * * * *": minute field: 61 is out of range 0-59' });

    const put = await call(schedulerRoute.PUT, { method: 'PUT', body: JSON.stringify({ pattern: '0 * * * *', tz: 'UTC', template: { name: 'x', data: { a: 1 } } }) });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ state: 'active', created: true });

    const denied = await call(pauseRoute.POST, { method: 'POST' }, viewerToken);
    expect(denied.status).toBe(403);
    expect(await lastAudit(client)).toMatchObject({ action: 'schedule.pause', outcome: 'denied', actor: 'token:eye', queue: 'api-sched' });

    expect((await call(pauseRoute.POST, { method: 'POST' })).status).toBe(200);
    const got = await call(schedulerRoute.GET, { method: 'GET' }, viewerToken);
    expect(await got.json()).toMatchObject({ id: 'hourly', state: 'paused', pattern: '0 * * * *', template: { name: 'x', data: { a: 1 } } });

    const list = await call(listRoute.GET, { method: 'GET' }, viewerToken, {}, 'http://console.test/api/v1/schedulers?queue=main/api-sched');
    expect((await list.json()).schedules.map((s: { id: string; state: string }) => `${s.id}:${s.state}`)).toEqual(['hourly:paused']);

    const missing = await call(schedulerRoute.DELETE, { method: 'DELETE' }, token, { ...params, schedulerId: 'nope' });
    expect(missing.status).toBe(404);
  });

  it('previews the next runs in the zone with DST transitions marked, or names the wrong field', async () => {
    const preview = async (body: unknown) =>
      previewRoute.POST(new Request('http://console.test/api/v1/cron/preview', { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${(await issueApiToken(admin, { name: `p${Math.random()}`, role: 'viewer' })).token}` } }), {
        params: Promise.resolve({}),
      });
    const ok = await preview({ pattern: '30 1 * * *', tz: 'Europe/Berlin', count: 10, startDate: '2030-03-25T00:00:00Z' });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.description).toBe('At 01:30');
    expect(body.runs).toHaveLength(10);
    expect(body.runs.every((r: { inZone: string }) => r.inZone.endsWith('01:30:00'))).toBe(true);
    // Berlin switches to summer time on Sunday 31 March 2030.
    expect(body.runs.filter((r: { offsetChange: unknown }) => r.offsetChange)).toHaveLength(1);
    expect(body.runs[6]).toMatchObject({ inZone: 'Sun 2030-03-31 01:30:00', offset: '+01:00', offsetChange: null });
    expect(body.runs.find((r: { offsetChange: unknown }) => r.offsetChange)).toMatchObject({ inZone: 'Mon 2030-04-01 01:30:00', offset: '+02:00', offsetChange: { from: '+01:00', to: '+02:00' } });

    const wrong = await preview({ pattern: '* * *', tz: 'UTC' });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.message).toBe('Invalid cron pattern "* * *": Expected 5 or 6 fields (minute hour day-of-month month day-of-week, with an optional leading second), got 3');
    const tz = await preview({ pattern: '0 9 * * *', tz: 'Mars/Base' });
    expect((await tz.json()).error).toMatchObject({ message: 'Unknown time zone "Mars/Base"', fieldErrors: { tz: ['Unknown time zone "Mars/Base"'] } });
  });
});

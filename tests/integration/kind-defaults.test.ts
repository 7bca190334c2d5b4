// A bundled queue's kind defaults (attempts, backoff, retention) reach every job whoever adds it: the
// console's "add job", a schedule template, "run now", enqueue. Options given explicitly win.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs, configureConnections } from '../helpers/console-env';
import { closeAllConnections } from '@/lib/redis/connections';
import { addJob } from '@/lib/jobs/add-job';
import { addJobInputSchema } from '@/lib/jobs/schemas';
import { upsertSchedule } from '@/lib/schedules/upsert-schedule';
import { runScheduleNow } from '@/lib/schedules/run-schedule-now';
import { scheduleInputSchema } from '@/lib/schedules/schema';
import { enqueue } from '@/workers/enqueue';
import { webhookKind } from '@/lib/job-kinds/webhook';
import { reportKind } from '@/lib/job-kinds/report';

const operator = ctxAs('operator', 'op@test');
const webhookDefaults = webhookKind.defaultJobOptions;
const reportDefaults = reportKind.defaultJobOptions;

let redis: TestRedis;
let client: Redis;
const queues: Queue[] = [];

function q(name: string) {
  const queue = new Queue(name, { connection: client });
  queues.push(queue);
  return queue;
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  await configureConnections([{ name: 'main', url: redis.url }]);
});

afterAll(async () => {
  await Promise.all(queues.map((x) => x.close()));
  await closeAllConnections();
  await redis?.stop();
});

describe('add job from the console', () => {
  it("gives a webhook job the webhook kind's attempts, backoff and retention when no options are given", async () => {
    const { jobId } = await addJob(operator, { conn: 'main', queue: 'webhook' }, addJobInputSchema.parse({ name: 'deliver', data: { url: 'http://hooks.test/a', payload: {} } }));
    const job = (await q('webhook').getJob(jobId))!;
    expect(job.opts.attempts).toBe(webhookDefaults.attempts);
    expect(job.opts.backoff).toEqual(webhookDefaults.backoff);
    expect(job.opts.removeOnComplete).toEqual(webhookDefaults.removeOnComplete);
    expect(job.opts.removeOnFail).toEqual(webhookDefaults.removeOnFail);
  });

  it('lets explicit options win over the kind defaults, keeping the others', async () => {
    const input = addJobInputSchema.parse({ name: 'deliver', data: { url: 'http://hooks.test/b', payload: {} }, opts: { attempts: 2, removeOnComplete: 10 } });
    const { jobId } = await addJob(operator, { conn: 'main', queue: 'webhook' }, input);
    const job = (await q('webhook').getJob(jobId))!;
    expect(job.opts.attempts).toBe(2);
    expect(job.opts.removeOnComplete).toBe(10);
    expect(job.opts.backoff).toEqual(webhookDefaults.backoff);
  });

  it('adds nothing to the options of a queue no kind runs', async () => {
    const { jobId } = await addJob(operator, { conn: 'main', queue: 'plain' }, addJobInputSchema.parse({ name: 'hello', data: {} }));
    const job = (await q('plain').getJob(jobId))!;
    // BullMQ reads "no attempts given" back as 0.
    expect([0, undefined]).toContain(job.opts.attempts);
    expect(job.opts.backoff).toBeUndefined();
    expect(job.opts.removeOnComplete).toBeUndefined();
  });
});

describe('schedule templates', () => {
  it("store the report kind's defaults with the scheduler, so its jobs get them; explicit options win", async () => {
    const report = q('report');
    const t = { conn: 'main', queue: 'report', schedulerId: 'nightly-email-report' };
    await upsertSchedule(operator, t, scheduleInputSchema.parse({ pattern: '0 3 * * *', template: { name: 'queue-report', data: { queue: 'email' } } }));
    const scheduler = (await report.getJobScheduler('nightly-email-report'))!;
    expect(scheduler.template?.opts).toMatchObject({ attempts: reportDefaults.attempts, backoff: reportDefaults.backoff, removeOnComplete: reportDefaults.removeOnComplete });
    // The pending job the scheduler produced carries them.
    const pending = (await report.getDelayed()).find((j) => j.repeatJobKey === 'nightly-email-report')!;
    expect(pending.opts.attempts).toBe(reportDefaults.attempts);
    expect(pending.opts.backoff).toEqual(reportDefaults.backoff);

    await upsertSchedule(operator, t, scheduleInputSchema.parse({ pattern: '0 3 * * *', template: { name: 'queue-report', data: { queue: 'email' }, opts: { attempts: 7 } } }));
    const edited = (await report.getJobScheduler('nightly-email-report'))!;
    expect(edited.template?.opts).toMatchObject({ attempts: 7, backoff: reportDefaults.backoff });
  });

  it('"run now" adds a job with the kind defaults under a template that lacks them', async () => {
    const report = q('report');
    // A scheduler written without Drover (no defaults in its template).
    await report.upsertJobScheduler('bare', { pattern: '0 4 * * *' }, { name: 'queue-report', data: { queue: 'email' } });
    const { jobId } = await runScheduleNow(operator, { conn: 'main', queue: 'report', schedulerId: 'bare' });
    const job = (await report.getJob(jobId))!;
    expect(job.opts.attempts).toBe(reportDefaults.attempts);
    expect(job.opts.backoff).toEqual(reportDefaults.backoff);
  });
});

describe('enqueue', () => {
  it('applies the defaults once, and an option given as undefined does not erase one', async () => {
    const job = await enqueue('webhook', { url: 'http://hooks.test/c', payload: {} }, { attempts: undefined, priority: 4 }, { redis: client, prefix: 'bull' });
    expect(job.opts).toMatchObject({ attempts: webhookDefaults.attempts, backoff: webhookDefaults.backoff, priority: 4 });
  });

  it('names every field of invalid data in one message', async () => {
    const err = await enqueue('webhook', { url: 'nope', payload: 'x', timeoutMs: 5 } as never, {}, { redis: client, prefix: 'bull' }).catch((e) => e);
    expect(err.message).toBe(
      'Invalid data for a webhook job: url: must be an http:// or https:// URL; payload: Invalid input: expected record, received string; timeoutMs: Too small: expected number to be >=100',
    );
    const root = await enqueue('webhook', null as never, {}, { redis: client, prefix: 'bull' }).catch((e) => e);
    expect(root.message).toBe('Invalid data for a webhook job: (data): Invalid input: expected object, received null');
  });
});

// `npm run seed [-- --if-empty]`: demo traffic so a first look at the console shows a lively system —
// successes, retries, permanent failures, delayed and prioritized jobs, a flow with children. Needs no
// internet: webhooks go to the console's own /api/health (200), /api/v1/me (405 to a POST) — `npm start` allows
// that origin in the egress policy — and to another loopback port, which the policy refuses.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import sharp from 'sharp';
import { readConfig } from '@/lib/config/load-config';
import type { ConnectionConfig } from '@/lib/config/schema';
import { dataDir } from '@/lib/data-dir';
import { KEYS } from '@/lib/keys';
import { createRedisClient, masterNodes } from '@/lib/redis/create-client';
import { getJobKind, jobKinds, withKindDefaults, type JobDataInput, type JobKindName } from '@/lib/job-kinds/registry';
import { closeEnqueueQueues, enqueue } from '@/workers/enqueue';
import { pickWorkerConnection } from '@/workers/runtime/worker-connection';
import { reachEmbeddedRedis } from '../lib/embedded/embedded-runtime.mjs';

const log = (msg: string) => console.log(`[drover] seed: ${msg}`);

/** Jobs in states that show a queue is in use; scheduler-made jobs ("repeat:…") do not count. */
const LIST_STATES = ['wait', 'active', 'paused'];
const ZSET_STATES = ['delayed', 'prioritized', 'completed', 'failed', 'waiting-children'];

/**
 * Empty: no seed marker, no queue under the prefix except Drover's own, and those hold nothing but
 * scheduler jobs (the workers, started at the same time, upsert their schedulers).
 */
async function whyNotEmpty(redis: Redis, prefix: string): Promise<string | undefined> {
  const seededAt = await redis.get(KEYS.seeded(prefix));
  if (seededAt) return `already seeded on ${new Date(Number(seededAt)).toISOString()}`;
  const own = new Set<string>(jobKinds.map((k) => k.queue));
  const deadline = Date.now() + 2_000;
  // Every master of a cluster holds some of the keys.
  for (const node of await masterNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*:meta`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const queue = key.slice(prefix.length + 1, -':meta'.length);
        if (!own.has(queue)) return `queue "${queue}" exists`;
        const pipeline = redis.pipeline();
        for (const state of LIST_STATES) pipeline.lrange(`${prefix}:${queue}:${state}`, 0, 10);
        for (const state of ZSET_STATES) pipeline.zrange(`${prefix}:${queue}:${state}`, '0', '10');
        const ids = ((await pipeline.exec()) ?? []).flatMap(([, value]) => (value as string[] | null) ?? []);
        if (ids.length > 10 || ids.some((id) => !id.startsWith('repeat:'))) return `queue "${queue}" has jobs`;
      }
      if (Date.now() > deadline) return 'too many keys to check quickly';
    } while (cursor !== '0');
  }
  return undefined;
}

type Connection = { redis: Redis; prefix: string };

function flowChild<K extends JobKindName>(kind: K, data: JobDataInput<K>, opts?: JobsOptions): FlowJob {
  const definition = getJobKind(kind);
  return { name: definition.jobNames[0], queueName: definition.queue, data: definition.dataSchema.parse(data) as object, opts: withKindDefaults(definition, opts) };
}

async function seedDemoData(conn: Connection, opts: { consoleUrl: string }): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const add = async <K extends JobKindName>(kind: K, data: JobDataInput<K>, jobOpts?: JobsOptions & { name?: string }) => {
    await enqueue(kind, data, jobOpts, conn);
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  const healthy = `${opts.consoleUrl}/api/health`;
  const unauthorized = `${opts.consoleUrl}/api/v1/me`;
  // Loopback outside the console's own origin: refused by the egress policy (fails at once, no retries).
  const refusedByEgress = 'http://127.0.0.1:9/drover-demo-hook';
  const quickRetries = { attempts: 3, backoff: { type: 'fixed', delay: 3_000 } } as const;
  const events = ['order.created', 'order.paid', 'invoice.sent', 'user.signed_up', 'subscription.renewed'];

  // Webhooks: most succeed (some retry while the console is still starting), some are refused by the
  // egress policy, some fail permanently on a 401, a few wait, a few jump the queue.
  for (let i = 0; i < 60; i++) {
    const event = events[i % events.length];
    await add('webhook', { url: healthy, event, payload: { event, id: 1000 + i, amount: Math.round((i * 37.5) % 500) } }, { attempts: 8, backoff: { type: 'exponential', delay: 2_000 } });
  }
  for (let i = 0; i < 12; i++) await add('webhook', { url: refusedByEgress, event: 'order.paid', payload: { id: 2000 + i } }, quickRetries);
  for (let i = 0; i < 6; i++) await add('webhook', { url: unauthorized, event: 'user.deleted', payload: { id: 3000 + i } }, { attempts: 8, backoff: { type: 'exponential', delay: 2_000 } });
  for (let i = 0; i < 8; i++) await add('webhook', { url: healthy, event: 'reminder.due', payload: { id: 4000 + i } }, { delay: (i + 1) * 15 * 60_000 });
  for (let i = 0; i < 10; i++) await add('webhook', { url: healthy, event: 'priority.check', payload: { id: 5000 + i, priority: 10 - i } }, { priority: 10 - i });
  // A trickle over the next ten minutes, so the throughput charts show activity past the first burst.
  for (let i = 0; i < 40; i++) await add('webhook', { url: i % 8 === 7 ? refusedByEgress : healthy, event: 'heartbeat', payload: { id: 6000 + i } }, { ...quickRetries, delay: (i + 1) * 15_000 });

  // Emails into the outbox (no SMTP needed), a few broken templates (permanent), a few scheduled.
  const people = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
  for (let i = 0; i < 40; i++) {
    const name = people[i % people.length];
    await add('email', {
      to: `${name}@example.com`,
      subject: 'Your invoice {{number}} from Drover Demo',
      text: 'Hello {{name}},\n\nyour invoice {{number}} over {{amount}} EUR is attached.\n\n— Drover Demo',
      html: '<p>Hello {{name}},</p><p>your invoice <b>{{number}}</b> over {{amount}} EUR is attached.</p>',
      variables: { name, number: `INV-${2400 + i}`, amount: ((i * 13.7) % 300).toFixed(2) },
    });
  }
  for (let i = 0; i < 4; i++) await add('email', { to: 'ops@example.com', subject: 'Weekly digest for {{team}}', text: 'Nothing new for {{team}}.' });
  for (let i = 0; i < 5; i++) await add('email', { to: 'later@example.com', subject: 'Trial ends in {{days}} days', text: 'Hi, your trial ends soon.', variables: { days: 3 } }, { delay: (i + 1) * 60 * 60_000 });
  for (let i = 0; i < 20; i++) await add('email', { to: `${people[i % people.length]}@example.com`, subject: 'Your weekly summary', text: 'Nothing urgent this week.' }, { delay: (i + 1) * 30_000 });
  // Data that fails the schema (added with BullMQ directly: enqueue would refuse it) fails permanently.
  // enqueue applies the kind defaults itself; the jobs added around it (these, flow children) take them here.
  const emailQueue = new Queue('email', { connection: conn.redis, prefix: conn.prefix });
  await emailQueue.add('send', { to: 'not-an-address', subject: '', text: 'x' }, withKindDefaults('email'));
  await emailQueue.add('send', { to: 'someone@example.com' }, withKindDefaults('email'));
  await emailQueue.close();
  counts.email += 2;

  // Images from a generated sample, one missing file.
  const sample = dataDir('seed', 'sample.png');
  fs.mkdirSync(path.dirname(sample), { recursive: true });
  await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 52, g: 120, b: 246 } } })
    .composite([{ input: Buffer.from('<svg width="1200" height="800"><circle cx="600" cy="400" r="250" fill="#fbbf24"/></svg>'), top: 0, left: 0 }])
    .png()
    .toFile(sample);
  const relative = path.relative(dataDir(), sample);
  const sizes: Array<[number, 'webp' | 'jpeg' | 'png' | 'avif']> = [[64, 'png'], [160, 'webp'], [320, 'webp'], [640, 'jpeg'], [800, 'avif'], [1024, 'webp']];
  for (const [width, format] of sizes) await add('image', { source: relative, width, format, name: `sample-${width}` });
  await add('image', { source: 'seed/does-not-exist.png', width: 100 });

  // Reports over the last hour, and one scheduled for later.
  await add('report', { queue: 'webhook', lastMinutes: 60 }, { delay: 20_000 });
  await add('report', { queue: 'email', lastMinutes: 60 }, { delay: 30_000 });
  await add('report', { queue: 'webhook', lastMinutes: 24 * 60 }, { delay: 6 * 60 * 60_000 });

  // A flow: the monthly close report waits for its children (emails and webhooks) to complete; one
  // child fails permanently and is ignored so the parent still runs.
  const flows = new FlowProducer({ connection: conn.redis, prefix: conn.prefix });
  await flows.add({
    ...flowChild('report', { queue: 'email', lastMinutes: 30 }),
    children: [
      flowChild('email', { to: 'finance@example.com', subject: 'Month closed: {{month}}', text: 'The books for {{month}} are closed.', variables: { month: 'March' } }),
      flowChild('email', { to: 'ceo@example.com', subject: 'Month closed: {{month}}', text: 'Summary for {{month}} attached.', variables: { month: 'March' } }),
      flowChild('webhook', { url: healthy, event: 'month.closed', payload: { month: '2025-03' } }),
      flowChild('webhook', { url: unauthorized, event: 'month.closed', payload: { month: '2025-03' } }, { ignoreDependencyOnFailure: true }),
    ],
  });
  await flows.close();
  counts.flow = 5;
  return counts;
}

async function resolveConnection(): Promise<{ config: ConnectionConfig; stop?: () => Promise<void> }> {
  const { config, source } = readConfig();
  if (source !== 'none') return { config: pickWorkerConnection(config.connections, config.consoleConnection) };
  const embedded = await reachEmbeddedRedis(dataDir());
  const withUrl = readConfig({ ...process.env, REDIS_URL: embedded.url }).config;
  return { config: pickWorkerConnection(withUrl.connections, undefined), stop: embedded.stop };
}

const SETTLE_MAX_MS = 60_000;

/**
 * Until the bundled queues hold no job that is due now (waiting, prioritized or active; delayed ones
 * and retries in backoff are for later): `npm start` says the first admin's password again after
 * that, below the burst of the workers' logs. Polls the counts; false when the cap passed first.
 */
async function untilDueJobsTaken(redis: Redis, prefix: string): Promise<boolean> {
  const queues = jobKinds.map((k) => new Queue(k.queue, { connection: redis, prefix }));
  try {
    const deadline = Date.now() + SETTLE_MAX_MS;
    while (Date.now() < deadline) {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('wait', 'prioritized', 'active')));
      if (counts.every((c) => Object.values(c).every((n) => n === 0))) return true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return false;
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'if-empty': { type: 'boolean' }, settle: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(
      'Usage: npm run seed [-- --if-empty] [--settle]\n\nAdds a few hundred demo jobs to the bundled queues. --if-empty: only on a Redis without queues (once).\n' +
        `--settle: then wait (at most ${SETTLE_MAX_MS / 1000} s) until the workers have taken every job that is due now.`,
    );
    return;
  }
  const { config, stop } = await resolveConnection();
  const redis = createRedisClient(config, { purpose: 'console', maxRetriesPerRequest: 1 });
  const prefix = config.prefix;
  try {
    if (values['if-empty']) {
      const reason = await whyNotEmpty(redis, prefix);
      if (reason) {
        log(`skipped (${reason})`);
        return;
      }
    }
    // Marks the prefix first, so two seeds started together do not both run.
    const first = await redis.set(KEYS.seeded(prefix), String(Date.now()), 'NX');
    if (!first && values['if-empty']) {
      log('skipped (another seed is running)');
      return;
    }
    if (!first) await redis.set(KEYS.seeded(prefix), String(Date.now()));
    const consoleUrl = `http://127.0.0.1:${process.env.PORT || 3000}`;
    const counts = await seedDemoData({ redis, prefix }, { consoleUrl }).catch(async (err) => {
      await redis.del(KEYS.seeded(prefix));
      throw err;
    });
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    log(`added ${total} jobs on connection "${config.name}" (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}); webhooks call ${consoleUrl}`);
    if (values.settle) log((await untilDueJobsTaken(redis, prefix)) ? 'the jobs due now have run' : `jobs due now still waiting after ${SETTLE_MAX_MS / 1000} s`);
  } finally {
    await closeEnqueueQueues(redis);
    redis.disconnect();
    await stop?.();
  }
}

main().catch((err: Error) => {
  console.error(`[drover] seed failed: ${err.message}`);
  process.exitCode = 1;
});

// The dead-letter queue from the console's side, against real Redis: "Send to DLQ" for foreign workers,
// error groups, the filtered list and detail, requeue (one with edited data, 10k by filter in batches),
// purge, NDJSON export round trip, retention, and the /api/v1 routes with their guards.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { startTestRedis, type TestRedis, deadLetterIdOf } from '../helpers/redis';
import { ctxAs, configureConnections } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { bulkJobs as bulkJobAction } from '@/lib/jobs/bulk-jobs';
import { getOperationProgress } from '@/lib/progress/bulk-progress';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { parseEnvelope } from '@/lib/dlq/envelope';
import { errorGroupOf } from '@/lib/dlq/normalize-error';
import { listErrorGroups } from '@/lib/dlq/list-error-groups';
import { listDeadLetters, listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';
import { getDeadLetter } from '@/lib/dlq/get-dead-letter';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { requeueDeadLetters } from '@/lib/dlq/requeue-dead-letters';
import { purgeDeadLetters } from '@/lib/dlq/purge-dead-letters';
import { exportDeadLetters } from '@/lib/dlq/export-dead-letters';
import { deadLetterTarget } from '@/lib/dlq/filter';
import { enforceRetention } from '@/lib/dlq/sweep';
import * as listRoute from '@/app/api/v1/connections/[conn]/dlq/route';
import * as requeueRoute from '@/app/api/v1/connections/[conn]/dlq/requeue/route';
import * as purgeRoute from '@/app/api/v1/connections/[conn]/dlq/purge/route';
import * as exportRoute from '@/app/api/v1/connections/[conn]/dlq/export/route';
import * as bulkRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/bulk/route';
import { lastAudit } from '../helpers/audit';

let redis: TestRedis;
let client: Redis;
const queues: Queue[] = [];
const operator = ctxAs('operator', 'op@test');
const admin = ctxAs('admin', 'boss@test');
const viewer = ctxAs('viewer', 'eye@test');
const base = KEYS.deadLetters('bull', 'dead-letter');

function q(name: string, prefix = 'bull') {
  const queue = new Queue(name, { connection: { url: redis.url }, prefix });
  queues.push(queue);
  return queue;
}

/**
 * Adds jobs and fails each through a plain BullMQ worker (a "foreign" worker, not Drover's runtime)
 * with the message its data names; returns the failed jobs' ids in order.
 */
async function failJobs(queue: Queue, items: Array<{ reason: string; data?: Record<string, unknown> }>, name = 'charge', opts: JobsOptions = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < items.length; i += 1000) {
    const added = await queue.addBulk(items.slice(i, i + 1000).map((it) => ({ name, data: { ...it.data, reason: it.reason }, opts })));
    ids.push(...added.map((j) => j.id!));
  }
  const worker = new Worker(queue.name, async (job) => {
    throw new Error((job.data as { reason: string }).reason);
  }, { connection: { url: redis.url }, prefix: queue.opts.prefix, concurrency: 500 });
  await waitFor(async () => (await Promise.all(ids.slice(-50).map((id) => queue.getJobState(id)))).every((s) => s === 'failed') && (await queue.getWaitingCount()) === 0 && (await queue.getActiveCount()) === 0, {
    timeout: 60_000,
    what: `${items.length} failed jobs in ${queue.name}`,
  });
  await worker.close();
  return ids;
}

async function sendToDlq(queue: string, ids?: string[], conn = 'main') {
  return bulkJobAction(operator, { conn, queue }, ids ? { action: 'dead-letter', ids } : { action: 'dead-letter', state: 'failed' });
}

const main = () => getConnection('main');
const query = (q: Record<string, unknown>) => listDeadLettersQuerySchema.parse(q);

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  await configureConnections([
        { name: 'main', url: redis.url },
        { name: 'frozen', url: redis.url, readOnly: true },
        { name: 'small', url: redis.url, prefix: 'small', deadLetterQueue: 'morgue', deadLetterRetention: { maxAgeDays: 30, maxCount: 5 } },
      ]);
});

afterAll(async () => {
  await Promise.all(queues.map((x) => x.close()));
  await closeAllConnections();
  await redis.stop();
});

beforeEach(async () => {
  await client.del(KEYS.audit);
});

describe('Send to DLQ (failed jobs of workers Drover does not run)', () => {
  it('sends selected failed jobs, reports the ones it cannot send, and never sends one twice', async () => {
    const billing = q('billing');
    const failed = await failJobs(billing, [1, 2, 3, 4, 5].map((i) => ({ reason: `connect ECONNREFUSED 10.0.0.${i}:5432` })));
    const waiting = await billing.add('charge', { later: true }, { delay: 60_000 });
    const out = await sendToDlq('billing', [...failed.slice(0, 3), waiting.id!, 'no-such-job']);
    expect(out).toMatchObject({ action: 'dead-letter', requested: 5, succeeded: 3, failed: 2 });
    expect(out.errors).toEqual([
      { id: waiting.id, message: `Job ${waiting.id} is not failed (only failed jobs go to the dead-letter queue)` },
      { id: 'no-such-job', message: 'Job no-such-job not found (it may have been removed)' },
    ]);
    expect(out.message).toBe('3 of 5 jobs sent to the dead-letter queue "dead-letter"; 2 skipped (see errors)');
    expect(await lastAudit(client)).toMatchObject({ action: 'jobs.bulk', params: { action: 'dead-letter' }, outcome: 'ok', actor: 'op@test', connection: 'main', queue: 'billing', count: 3 });

    const again = await sendToDlq('billing', failed.slice(0, 3));
    expect(again.message).toBe('0 of 3 jobs sent to the dead-letter queue "dead-letter"; 3 already there');
    expect(await client.zcard(`${base}:queue:billing:ids`)).toBe(3);

    // Every failed job (older than 0 ms): the other two; the first three are already there.
    const all = await sendToDlq('billing');
    expect(all).toMatchObject({ requested: 5, succeeded: 5, failed: 0 });
    expect(await client.zcard(`${base}:queue:billing:ids`)).toBe(5);
    // The origin jobs stay in failed (the default) and the envelopes are the DLQ queue's failed jobs.
    expect(await billing.getFailedCount()).toBe(5);
    expect(await q('dead-letter').getJobState(await deadLetterIdOf(client, 'billing', failed[0], 1))).toBe('failed');
    await billing.remove(waiting.id!);
  });

  it('with removeOrigin, removes each job from failed once its envelope exists', async () => {
    const refunds = q('refunds');
    const [id] = await failJobs(refunds, [{ reason: 'refund window closed for order 98765' }]);
    // Its dead-letter id, computed while the origin job still exists (its creation time is part of it).
    const deadLetter = await deadLetterIdOf(client, 'refunds', id, 1);
    const out = await bulkJobAction(operator, { conn: 'main', queue: 'refunds' }, { action: 'dead-letter', ids: [id], removeOrigin: true });
    expect(out.succeeded).toBe(1);
    expect(await refunds.getJob(id)).toBeUndefined();
    expect(await client.exists(`bull:dead-letter:${deadLetter}`)).toBe(1);
  });

  it('is refused for viewers, on read-only connections and for the dead-letter queue itself', async () => {
    await expect(bulkJobAction(viewer, { conn: 'main', queue: 'billing' }, { action: 'dead-letter', state: 'failed' })).rejects.toThrow('This needs the operator role');
    await expect(bulkJobAction(operator, { conn: 'frozen', queue: 'billing' }, { action: 'dead-letter', state: 'failed' })).rejects.toThrow('Connection "frozen" is read-only');
    await expect(sendToDlq('dead-letter')).rejects.toThrow('"dead-letter" is the dead-letter queue of connection "main": requeue or purge dead letters on the Dead letters page');
    expect(await lastAudit(client)).toMatchObject({ action: 'jobs.bulk', params: { action: 'dead-letter' }, outcome: 'refused' });
  });
});

describe('error groups, the list and one dead letter', () => {
  let mailerIds: string[] = [];

  beforeAll(async () => {
    const mailer = q('mailer');
    mailerIds = await failJobs(mailer, [
      { reason: 'mailbox ann@example.com is full (message 1715000000001)', data: { to: 'ann', big: 'x'.repeat(10) } },
      { reason: 'mailbox bob@example.org is full (message 1715000000002)', data: { to: 'bob' } },
      { reason: 'mailbox cy@example.net is full (message 1715000000003)', data: { to: 'cy' } },
      { reason: 'template "welcome" is missing', data: { to: 'dee' } },
    ], 'send');
    await sendToDlq('mailer');
  });

  it('groups failures by their normalized error with counts and first/last seen', async () => {
    const { groups, total, groupCount } = await listErrorGroups(main(), { limit: 50 });
    expect(total).toBe(10);
    expect(groupCount).toBe(4);
    const byPattern = Object.fromEntries(groups.map((g) => [g.pattern, g]));
    expect(byPattern['connect ECONNREFUSED <ip>:5432'].count).toBe(5);
    expect(byPattern['mailbox <email> is full (message <n>)'].count).toBe(3);
    expect(byPattern['mailbox <email> is full (message <n>)'].sample).toBe('mailbox ann@example.com is full (message 1715000000001)');
    expect(byPattern['template "…" is missing'].count).toBe(1);
    expect(byPattern['refund window closed for order <n>'].count).toBe(1);
    // Biggest first; first/last seen are the failure times of the oldest and newest member.
    expect(groups[0].pattern).toBe('connect ECONNREFUSED <ip>:5432');
    const mailer = q('mailer');
    const finished = await Promise.all(mailerIds.slice(0, 3).map(async (id) => (await mailer.getJob(id))!.finishedOn!));
    const mailbox = byPattern['mailbox <email> is full (message <n>)'];
    expect(mailbox.firstSeen).toBe(Math.min(...finished));
    expect(mailbox.lastSeen).toBe(Math.max(...finished));
  });

  it('lists dead letters newest first, filtered by origin queue, error group, job name, time and text', async () => {
    const all = await listDeadLetters(main(), query({}));
    expect(all).toMatchObject({ deadLetterQueue: 'dead-letter', total: 10, hasNext: false });
    const times = all.rows.map((r) => r.failedAt!);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const mailer = await listDeadLetters(main(), query({ queue: 'mailer' }));
    expect(mailer.total).toBe(4);
    expect(mailer.rows.every((r) => r.queue === 'mailer' && r.name === 'send')).toBe(true);

    const group = errorGroupOf('mailbox ann@example.com is full (message 1715000000001)').id;
    const grouped = await listDeadLetters(main(), query({ group }));
    expect(grouped.total).toBe(3);
    expect(grouped.rows.map((r) => r.jobId).sort()).toEqual(mailerIds.slice(0, 3).sort());
    // Group and queue together (walked in Lua, counted once the walk is complete).
    expect((await listDeadLetters(main(), query({ group, queue: 'billing' }))).total).toBe(0);
    expect((await listDeadLetters(main(), query({ group, queue: 'mailer' }))).total).toBe(3);

    expect((await listDeadLetters(main(), query({ name: 'send' }))).total).toBe(4);
    const text = await listDeadLetters(main(), query({ q: 'BOB@example' }));
    expect(text.rows.map((r) => r.jobId)).toEqual([mailerIds[1]]);
    // Text in the data only.
    expect((await listDeadLetters(main(), query({ q: '"to":"dee"' }))).rows.map((r) => r.jobId)).toEqual([mailerIds[3]]);

    const newest = all.rows[0].failedAt!;
    expect((await listDeadLetters(main(), query({ from: newest }))).total).toBe(all.rows.filter((r) => r.failedAt === newest).length);
    expect((await listDeadLetters(main(), query({ to: newest - 1_000_000 }))).total).toBe(0);

    const page2 = await listDeadLetters(main(), query({ page: 2, size: 10 }));
    expect(page2).toMatchObject({ total: 10, hasNext: false, rows: [] });
    const small = await listDeadLetters(main(), query({ size: 10, q: 'mailbox' }));
    expect(small).toMatchObject({ total: 3, hasNext: false });
  });

  it('shows one dead letter without its payload, and its data on request', async () => {
    const id = await deadLetterIdOf(client, 'mailer', mailerIds[0], 1);
    const detail = await getDeadLetter(main(), id);
    expect(detail).toMatchObject({
      id,
      queue: 'mailer',
      jobId: mailerIds[0],
      name: 'send',
      failedReason: 'mailbox ann@example.com is full (message 1715000000001)',
      attemptsMade: 1,
      capturedBy: 'console:op@test',
      group: { pattern: 'mailbox <email> is full (message <n>)' },
      originPresent: true,
    });
    expect(detail.stacktrace).toHaveLength(1);
    expect(detail.data).toBeUndefined();
    expect((await getDeadLetter(main(), id, { includeData: true })).data).toEqual({ to: 'ann', big: 'xxxxxxxxxx', reason: detail.failedReason });
    await expect(getDeadLetter(main(), `dl-${'0'.repeat(32)}`)).rejects.toThrow('not found');
  });

  it('sums the DLQ up: size, counts by origin queue, growth counters', async () => {
    const summary = await getDeadLetterSummary(main());
    expect(summary).toMatchObject({ deadLetterQueue: 'dead-letter', total: 10, stats: { captured: 10, requeued: 0, purged: 0, expired: 0 }, retention: { maxAgeDays: 30, maxCount: 100_000 } });
    expect(summary.queues).toEqual([
      { queue: 'billing', count: 5 },
      { queue: 'mailer', count: 4 },
      { queue: 'refunds', count: 1 },
    ]);
  });

  it('exports matching dead letters as NDJSON that parses back into the stored envelopes', async () => {
    const big = q('bulky');
    const [bigId] = await failJobs(big, [{ reason: 'too big', data: { blob: 'y'.repeat(5 * 1024 * 1024) } }]);
    await sendToDlq('bulky');
    const text = await new Response(exportDeadLetters(main(), {})).text();
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; group: string; envelope: unknown });
    expect(lines).toHaveLength(11);
    for (const line of lines) {
      const [stored, group] = await client.hmget(`bull:dead-letter:${line.id}`, 'data', 'dg');
      expect(line.envelope).toEqual(parseEnvelope(stored!));
      expect(line.group).toBe(group);
    }
    const bigDeadLetter = await deadLetterIdOf(client, 'bulky', bigId, 1);
    const bigLine = lines.find((l) => l.id === bigDeadLetter)!;
    expect((parseEnvelope(JSON.stringify(bigLine.envelope)).data as { blob: string }).blob).toHaveLength(5 * 1024 * 1024);
    // Filtered: only the mailer group.
    const group = errorGroupOf('mailbox x@y.z is full (message 1715000000009)').id;
    const filtered = (await new Response(exportDeadLetters(main(), { group })).text()).trimEnd().split('\n');
    expect(filtered.map((l) => (JSON.parse(l) as { envelope: { jobId: string } }).envelope.jobId).sort()).toEqual(mailerIds.slice(0, 3).sort());
    await purgeDeadLetters(admin, 'main', { filter: { queue: 'bulky' } });
  });
});

describe('requeue', () => {
  it('requeues one dead letter with edited data as a fresh job, removes it, and audits the new job id', async () => {
    const orders = q('orders');
    const [originId] = await failJobs(orders, [{ reason: 'card declined', data: { order: 1 } }], 'charge', { jobId: 'order-1', removeOnComplete: { count: 100 } });
    await sendToDlq('orders');
    const id = await deadLetterIdOf(client, 'orders', originId, 1);
    const out = await requeueDeadLetters(operator, 'main', { ids: [id], data: '{"order": 99}' });
    expect(out).toMatchObject({ requested: 1, requeued: 1, failed: 0 });
    const [{ jobId, queue }] = out.jobs;
    expect(queue).toBe('orders');
    expect(out.message).toBe(`Requeued dead letter ${id} as job ${jobId} in orders`);
    const fresh = (await orders.getJob(jobId))!;
    expect(fresh.name).toBe('charge');
    expect(fresh.data).toEqual({ order: 99 });
    expect(fresh.attemptsMade).toBe(0);
    // The origin's options again, minus its custom id: a fresh job with a new id.
    expect(jobId).not.toBe('order-1');
    expect(fresh.opts.removeOnComplete).toEqual({ count: 100 });
    expect(await fresh.getState()).toBe('waiting');
    expect(await client.exists(`bull:dead-letter:${id}`)).toBe(0);
    expect(await client.zscore(`${base}:all`, id)).toBeNull();
    expect(await lastAudit(client)).toMatchObject({ action: 'dlq.requeue', outcome: 'ok', connection: 'main', queue: 'dead-letter', jobIds: [id], count: 1, params: { editedData: true, newJobs: [`orders/${jobId}`] } });

    // The fresh job runs like any other: a worker completes it.
    const worker = new Worker('orders', async (job) => ({ charged: (job.data as { order: number }).order }), { connection: { url: redis.url } });
    await waitFor(async () => (await orders.getJobState(jobId)) === 'completed', { what: 'the requeued job to complete' });
    await worker.close();
    // Gone means gone: a second requeue of the same id says so.
    await expect(requeueDeadLetters(operator, 'main', { ids: [id] })).rejects.toThrow(`Dead letter ${id} not found (requeued or purged meanwhile)`);
  });

  it('refuses invalid edited data and keeps the dead letter; checks data against the queue schema of bundled kinds', async () => {
    const webhook = q('webhook');
    const [originId] = await failJobs(webhook, [{ reason: 'peer down', data: { url: 'https://example.com/hook', payload: {} } }], 'deliver');
    await sendToDlq('webhook');
    const id = await deadLetterIdOf(client, 'webhook', originId, 1);
    await expect(requeueDeadLetters(operator, 'main', { ids: [id], data: '{"url": ' })).rejects.toThrow(/^data is not valid JSON/);
    await expect(requeueDeadLetters(operator, 'main', { ids: [id], data: { url: 'ftp://example.com', payload: {} } })).rejects.toThrow(/^Data does not match the webhook schema: data.url/);
    expect(await lastAudit(client)).toMatchObject({ action: 'dlq.requeue', outcome: 'invalid' });
    expect(await client.exists(`bull:dead-letter:${id}`)).toBe(1);
    // The refused attempt released its claim: requeue unchanged works at once.
    const out = await requeueDeadLetters(operator, 'main', { ids: [id] });
    expect(out.requeued).toBe(1);
    expect((await webhook.getJob(out.jobs[0].jobId))!.data).toMatchObject({ url: 'https://example.com/hook' });
    await expect(requeueDeadLetters(viewer, 'main', { ids: [id] })).rejects.toThrow('operator');
    await expect(requeueDeadLetters(operator, 'frozen', { ids: [id] })).rejects.toThrow('read-only');
  });

  it('requeues 10,000 dead letters matching a filter in batches: exactly 10,000 new jobs, exactly those dead letters removed', async () => {
    const bulk = q('bulk10k');
    await failJobs(bulk, Array.from({ length: 10_000 }, (_, i) => ({ reason: `upstream 502 for item ${100000 + i}`, data: { i } })));
    const sent = await sendToDlq('bulk10k');
    expect(sent.succeeded).toBe(10_000);
    const before = await getDeadLetterSummary(main());
    const others = before.total - 10_000;
    expect(others).toBeGreaterThan(0);

    // Count the claim calls the requeue makes: per batch of 500, its claim and one renewal before its one
    // round of adds (small envelopes: one round) — never one per dead letter.
    const redis = main().redis as unknown as Record<string, (...args: unknown[]) => Promise<string[]>>;
    const claim = redis.droverDlqClaim;
    const batches: number[] = [];
    redis.droverDlqClaim = (...args: unknown[]) => {
      if (args[2] === 'claim') batches.push(args.length - 6);
      return claim.apply(main().redis, args);
    };
    const operationId = randomUUID();
    try {
      const out = await requeueDeadLetters(operator, 'main', { filter: { queue: 'bulk10k' }, operationId });
      expect(out).toMatchObject({ requested: 10_000, requeued: 10_000, failed: 0, more: false });
    } finally {
      redis.droverDlqClaim = claim;
    }
    expect(batches).toHaveLength(40);
    expect(batches.every((n) => n === 500)).toBe(true);
    expect(await getOperationProgress(operationId)).toMatchObject({ done: 10_000, total: 10_000, finished: true });

    // Exactly 10,000 fresh jobs (the originals are still in failed), every i once.
    expect(await bulk.getWaitingCount()).toBe(10_000);
    expect(await bulk.getFailedCount()).toBe(10_000);
    const waiting = await bulk.getWaiting(0, -1);
    expect(new Set(waiting.map((j) => (j.data as { i: number }).i)).size).toBe(10_000);
    expect(waiting.every((j) => j.attemptsMade === 0)).toBe(true);
    // Exactly those dead letters are gone; the others are untouched.
    const after = await getDeadLetterSummary(main());
    expect(after.total).toBe(others);
    expect(after.queues.find((x) => x.queue === 'bulk10k')).toBeUndefined();
    expect(after.stats.requeued - before.stats.requeued).toBe(10_000);
    expect(await client.zcard(`${base}:queue:bulk10k:ids`)).toBe(0);
    expect((await listErrorGroups(main())).groups.some((g) => g.pattern === 'upstream <n> for item <n>')).toBe(false);
    const audit = await lastAudit(client);
    expect(audit).toMatchObject({ action: 'dlq.requeue', outcome: 'ok', count: 10_000, params: { filter: { queue: 'bulk10k' }, requested: 10_000 } });
    // Audit entries are bounded (≤ 1 KB): the list of new jobs is cut, with its full length said.
    expect(String((audit.params as { newJobs: unknown }).newJobs)).toMatch(/^\["bulk10k\/\d+".*… \(\d+ chars\)$/);
    await bulk.obliterate({ force: true });
  });
});

describe('purge', () => {
  it('is for admins: purges exactly an error group, by filter, with an audit entry', async () => {
    const group = errorGroupOf('connect ECONNREFUSED 10.0.0.1:5432').id;
    await expect(purgeDeadLetters(operator, 'main', { filter: { group } })).rejects.toThrow('admin');
    expect(await lastAudit(client)).toMatchObject({ action: 'dlq.purge', outcome: 'denied' });
    const before = await getDeadLetterSummary(main());
    const out = await purgeDeadLetters(admin, 'main', { filter: { group } });
    expect(out).toMatchObject({ requested: 5, purged: 5, message: 'Purged 5 dead letters' });
    const after = await getDeadLetterSummary(main());
    expect(after.total).toBe(before.total - 5);
    expect(after.stats.purged - before.stats.purged).toBe(5);
    expect(await client.exists(`${base}:group:${group}`)).toBe(0);
    expect(await client.exists(`${base}:group:${group}:ids`)).toBe(0);
    expect(await lastAudit(client)).toMatchObject({ action: 'dlq.purge', outcome: 'ok', count: 5, params: { filter: { group } } });
    // The origin jobs were never touched.
    expect(await q('billing').getFailedCount()).toBe(5);
  });

  it('purges by age', async () => {
    const before = (await getDeadLetterSummary(main())).total;
    expect((await purgeDeadLetters(admin, 'main', { filter: { olderThanMs: 60 * 60 * 1000 } })).purged).toBe(0);
    const out = await purgeDeadLetters(admin, 'main', { filter: { queue: 'mailer', olderThanMs: 0 } });
    expect(out.purged).toBe(4);
    expect((await getDeadLetterSummary(main())).total).toBe(before - 4);
  });
});

describe('envelopes removed outside Drover', () => {
  /** Every DLQ key (indexes, stats, envelopes, the DLQ queue's sets and events) as DUMPs. */
  async function dlqKeys(): Promise<Record<string, string | null>> {
    const keys: string[] = [];
    for (const match of [`${base}*`, 'bull:dead-letter:*']) {
      let cursor = '0';
      do {
        const [next, found] = await client.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
    }
    const dumps = await Promise.all(keys.map(async (k) => [k, ((await client.dumpBuffer(k)) as Buffer | null)?.toString('hex') ?? null] as const));
    return Object.fromEntries(dumps);
  }

  it('are skipped by the list, which writes nothing; the retention pass unindexes them', async () => {
    const before = await getDeadLetterSummary(main());
    const [row] = (await listDeadLetters(main(), query({ queue: 'refunds' }))).rows;
    // Another dashboard's Remove on the DLQ queue: the envelope goes, Drover's index entries stay.
    expect(await q('dead-letter').remove(row.id)).toBe(1);
    const keys = await dlqKeys();
    expect(keys[`${base}:all`]).toBeTruthy();

    expect((await listDeadLetters(main(), query({ queue: 'refunds' }))).rows).toEqual([]);
    expect((await listDeadLetters(main(), query({ size: 200 }))).rows.map((r) => r.id)).not.toContain(row.id);
    expect((await listDeadLetters(main(), query({ q: 'refund window' }))).rows).toEqual([]);
    const { token } = await issueApiToken(admin, { name: 'dlq-reader', role: 'viewer' });
    const res = await listRoute.GET(new Request('http://console.test/x?queue=refunds', { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ conn: 'main' }) });
    expect(res.status).toBe(200);
    expect((await res.json()).rows).toEqual([]);
    expect(await dlqKeys()).toEqual(keys);
    expect(await getDeadLetterSummary(main())).toEqual(before);

    const retention = await enforceRetention(deadLetterTarget(main()), main().config.deadLetterRetention);
    expect(retention).toEqual({ expired: 0, caughtUp: true, dangling: 1 });
    const after = await getDeadLetterSummary(main());
    expect(after.total).toBe(before.total - 1);
    expect(after.stats.purged).toBe(before.stats.purged + 1);
    expect(after.queues.find((x) => x.queue === 'refunds')).toBeUndefined();
    expect(await client.zscore(`${base}:all`, row.id)).toBeNull();
  });
});

describe('retention', () => {
  it('keeps at most maxCount dead letters (the newest) when the console captures', async () => {
    const small = q('invoices', 'small');
    const ids = await failJobs(small, Array.from({ length: 8 }, (_, i) => ({ reason: `invoice ${1000 + i} rejected` })));
    const out = await sendToDlq('invoices', undefined, 'small');
    expect(out.succeeded).toBe(8);
    const summary = await getDeadLetterSummary(getConnection('small'));
    expect(summary).toMatchObject({ deadLetterQueue: 'morgue', total: 5, stats: { captured: 8, expired: 3 } });
    // The oldest failures went: every one kept failed no earlier than every one removed (ties may go either way).
    const finished = new Map(await Promise.all(ids.map(async (id) => [await deadLetterIdOf(client, 'invoices', id, 1, 'small'), (await small.getJob(id))!.finishedOn!] as const)));
    const kept = await client.zrange(`${KEYS.deadLetters('small', 'morgue')}:all`, '0', '-1');
    const removed = [...finished.keys()].filter((id) => !kept.includes(id));
    expect(kept).toHaveLength(5);
    expect(Math.min(...kept.map((id) => finished.get(id)!))).toBeGreaterThanOrEqual(Math.max(...removed.map((id) => finished.get(id)!)));
    expect(await q('morgue', 'small').getFailedCount()).toBe(5);
  });

  it('removes dead letters older than maxAgeDays in bounded batches', async () => {
    const t = deadLetterTarget(getConnection('small'));
    const first = await enforceRetention(t, { maxAgeDays: 30, maxCount: 100 }, { now: Date.now() });
    expect(first).toEqual({ expired: 0, caughtUp: true, dangling: 0 });
    const partial = await enforceRetention(t, { maxAgeDays: 1, maxCount: 100 }, { now: Date.now() + 2 * 24 * 3600 * 1000, batch: 2, maxBatches: 2 });
    expect(partial).toEqual({ expired: 4, caughtUp: false, dangling: 0 });
    const rest = await enforceRetention(t, { maxAgeDays: 1, maxCount: 100 }, { now: Date.now() + 2 * 24 * 3600 * 1000, batch: 2, maxBatches: 2 });
    expect(rest).toEqual({ expired: 1, caughtUp: true, dangling: 0 });
    expect((await getDeadLetterSummary(getConnection('small'))).total).toBe(0);
    expect(await q('morgue', 'small').getFailedCount()).toBe(0);
  });
});

describe('/api/v1 …/dlq routes', () => {
  it('list, requeue, purge, export and the bulk dead-letter action, with the same guards', async () => {
    const { token: viewerToken } = await issueApiToken(admin, { name: 'dlq-viewer', role: 'viewer' });
    const { token: opToken } = await issueApiToken(admin, { name: 'dlq-op', role: 'operator' });
    const call = (route: { GET?: unknown; POST?: unknown }, method: 'GET' | 'POST', token: string, url: string, params: Record<string, string>, body?: unknown) =>
      (route[method] as (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>)(
        new Request(`http://console.test${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }),
        { params: Promise.resolve(params) },
      );

    const api = q('api-origin');
    const [originId] = await failJobs(api, [{ reason: 'quota exceeded for tenant 4242', data: { tenant: 4242 } }]);
    const sent = await call(bulkRoute, 'POST', opToken, '/x', { conn: 'main', queue: 'api-origin' }, { action: 'dead-letter', ids: [originId] });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ succeeded: 1 });
    const id = await deadLetterIdOf(client, 'api-origin', originId, 1);

    const list = await call(listRoute, 'GET', viewerToken, '/x?queue=api-origin&size=10', { conn: 'main' });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ total: 1, rows: [{ id, queue: 'api-origin', jobId: originId, failedReason: 'quota exceeded for tenant 4242' }] });
    expect((await call(listRoute, 'GET', viewerToken, '/x?size=7', { conn: 'main' })).status).toBe(400);

    const exported = await call(exportRoute, 'GET', viewerToken, '/x?queue=api-origin', { conn: 'main' });
    expect(exported.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(JSON.parse((await exported.text()).trim())).toMatchObject({ id, envelope: { queue: 'api-origin', data: { tenant: 4242 } } });

    const denied = await call(requeueRoute, 'POST', viewerToken, '/x', { conn: 'main' }, { ids: [id] });
    expect(denied.status).toBe(403);
    const tooMuch = await call(requeueRoute, 'POST', opToken, '/x', { conn: 'main' }, { ids: [id, id], data: {} });
    expect(tooMuch.status).toBe(400);
    expect((await tooMuch.json()).error.message).toContain('data can only be given with exactly one id');
    const requeued = await call(requeueRoute, 'POST', opToken, '/x', { conn: 'main' }, { ids: [id], data: { tenant: 1 } });
    expect(requeued.status).toBe(200);
    const { jobs } = (await requeued.json()) as { jobs: Array<{ jobId: string }> };
    expect((await api.getJob(jobs[0].jobId))!.data).toEqual({ tenant: 1 });

    const purgeDenied = await call(purgeRoute, 'POST', opToken, '/x', { conn: 'main' }, { filter: {} });
    expect(purgeDenied.status).toBe(403);
    expect(await lastAudit(client)).toMatchObject({ action: 'dlq.purge', outcome: 'denied', actor: 'token:dlq-op' });
    const notFound = await call(requeueRoute, 'POST', opToken, '/x', { conn: 'main' }, { ids: [id] });
    expect(notFound.status).toBe(404);
  });
});

// Last: it adds dead letters to the main DLQ, whose exact totals earlier tests check.
describe('reused job ids', () => {
  it('a custom job id reused after removal gets its own dead letter', async () => {
    const orders = q('orders-reuse');
    await failJobs(orders, [{ reason: 'card declined' }], 'charge', { jobId: 'order-42' });
    expect((await sendToDlq('orders-reuse', ['order-42'])).succeeded).toBe(1);
    await orders.remove('order-42');
    // Same id, same attempt count, a later creation time: a new failure, not a duplicate.
    await new Promise((r) => setTimeout(r, 5));
    await failJobs(orders, [{ reason: 'card declined' }], 'charge', { jobId: 'order-42' });
    const second = await sendToDlq('orders-reuse', ['order-42']);
    expect(second.succeeded).toBe(1);
    expect(second.message).not.toMatch(/already/);
    expect(await client.zcard(`${KEYS.deadLetters('bull', 'dead-letter')}:all`)).toBeGreaterThanOrEqual(2);
    const summary = await getDeadLetterSummary(getConnection('main'));
    expect(summary.queues.find((b) => b.queue === 'orders-reuse')?.count).toBe(2);
  });
});

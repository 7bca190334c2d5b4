// BullMQ 5 repeatables left in Redis after an upgrade: listed read-only from their keys and migrated
// to job schedulers in one call.
//
// The legacy keys are written directly, exactly as BullMQ 5 wrote them: BullMQ 6 removed the
// repeatable-jobs API and cannot produce them. This is the one place the tests write BullMQ keys.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import type { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs, configureFromFile } from '../helpers/console-env';
import { closeAllConnections } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { listSchedules } from '@/lib/schedules/list-schedules';
import { migrateLegacyRepeatable } from '@/lib/schedules/migrate-legacy-repeatable';
import { upsertSchedule } from '@/lib/schedules/upsert-schedule';
import { formatInZoneWithOffset } from '@/lib/schedules/zone-format';
import { scheduleInputSchema } from '@/lib/schedules/schema';

let redis: TestRedis;
let client: Redis;
const queues: Queue[] = [];
const operator = ctxAs('operator', 'op@test');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function q(name: string) {
  const queue = new Queue(name, { connection: { url: redis.url } });
  queues.push(queue);
  return queue;
}

/** A pending repeat job as BullMQ 5's Job.create → addDelayedJob stored it. */
async function writeLegacyJob(queue: string, jobId: string, repeatJobKey: string, next: number, name: string, data: unknown, repeat: Record<string, unknown>, extraOpts: Record<string, unknown> = {}) {
  const now = Date.now();
  const opts = { ...extraOpts, repeat: { ...repeat, count: 1 }, jobId, delay: next - now, timestamp: now, prevMillis: next };
  await client.hset(`bull:${queue}:${jobId}`, { name, data: JSON.stringify(data), opts: JSON.stringify(opts), timestamp: String(now), delay: String(next - now), priority: '0', rjk: repeatJobKey });
  await client.zadd(`bull:${queue}:delayed`, next * 0x1000 + 1, jobId);
}

/** BullMQ ≥ 5.x: md5 of "name:jobId:endDate:tz:pattern" in the zset, metadata in "repeat:<md5>". */
async function writeHashedRepeatable(queue: string, o: { name: string; pattern?: string; every?: number; tz?: string; endDate?: number; data: unknown; opts?: Record<string, unknown>; writeJob?: boolean }) {
  const suffix = o.pattern ?? String(o.every);
  const legacyKey = `${o.name}::${o.endDate ?? ''}:${o.tz ?? ''}:${suffix}`;
  const key = md5(legacyKey);
  const next = o.pattern ? CronExpressionParser.parse(o.pattern, { tz: o.tz }).next().getTime() : Math.floor(Date.now() / o.every!) * o.every! + o.every!;
  await client.zadd(`bull:${queue}:repeat`, next, key);
  const meta: Record<string, string> = { name: o.name };
  if (o.tz) meta.tz = o.tz;
  if (o.pattern) meta.pattern = o.pattern;
  if (o.endDate) meta.endDate = String(o.endDate);
  if (o.every) meta.every = String(o.every);
  await client.hset(`bull:${queue}:repeat:${key}`, meta);
  if (o.writeJob !== false) {
    await writeLegacyJob(queue, `repeat:${key}:${next}`, key, next, o.name, o.data, { pattern: o.pattern, every: o.every, tz: o.tz }, o.opts);
  }
  return { key, next, jobId: `repeat:${key}:${next}` };
}

/** BullMQ ≤ 5 before the hashed keys: the whole "name:jobId:endDate:tz:pattern" is the zset member, no hash. */
async function writeKeyRepeatable(queue: string, o: { name: string; every?: number; pattern?: string; tz?: string; data: unknown }) {
  const key = `${o.name}:::${o.tz ?? ''}:${o.pattern ?? o.every}`;
  const next = o.pattern ? CronExpressionParser.parse(o.pattern, { tz: o.tz }).next().getTime() : Math.floor(Date.now() / o.every!) * o.every! + o.every!;
  await client.zadd(`bull:${queue}:repeat`, next, key);
  const jobId = `repeat:${md5(`${o.name}${md5(key)}`)}:${next}`;
  await writeLegacyJob(queue, jobId, key, next, o.name, o.data, { pattern: o.pattern, every: o.every, tz: o.tz });
  return { key, next, jobId };
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-legacy-'));
  const file = path.join(dir, 'drover.config.json');
  fs.writeFileSync(file, JSON.stringify({ connections: [{ name: 'main', url: redis.url }, { name: 'frozen', url: redis.url, readOnly: true }] }));
  await configureFromFile(file);
});

afterAll(async () => {
  await Promise.all(queues.map((x) => x.close()));
  await closeAllConnections();
  await redis.stop();
});

describe('legacy repeatables', () => {
  it('are listed read-only next to real schedulers, which BullMQ 6 itself cannot do', async () => {
    const queue = q('mixed');
    await queue.add('seed', {});
    await upsertSchedule(operator, { conn: 'main', queue: 'mixed', schedulerId: 'modern' }, scheduleInputSchema.parse({ every: 60_000, template: { name: 'modern' } }));
    const hashed = await writeHashedRepeatable('mixed', { name: 'daily-report', pattern: '0 8 * * *', tz: 'Europe/Paris', data: { to: 'cfo' } });
    const old = await writeKeyRepeatable('mixed', { name: 'cleanup', every: 900_000, data: { olderThan: '7d' } });

    // Why the console reads the keys itself: BullMQ 6's getJobSchedulers throws on the old format
    // (and deletes entries it finds no metadata for).
    await expect(queue.getJobSchedulers(0, 50)).rejects.toThrow(/Legacy repeatable job metadata is not supported in BullMQ v6/);
    await client.zadd('bull:mixed:repeat', Date.now() + 1000, 'dangling');

    const list = await listSchedules({ queue: 'main/mixed' });
    expect(list.schedules.map((s) => s.id)).toEqual(['modern']);
    const byKey = Object.fromEntries(list.legacy.map((l) => [l.key, l]));
    expect(byKey[hashed.key]).toMatchObject({ format: 'hashed', name: 'daily-report', pattern: '0 8 * * *', tz: 'Europe/Paris', every: null, next: hashed.next, description: 'At 08:00', connection: 'main', queue: 'mixed' });
    expect(byKey[old.key]).toMatchObject({ format: 'key', name: 'cleanup', pattern: null, every: 900_000, tz: null, next: old.next, description: 'Every 15m' });
    expect(byKey.dangling).toMatchObject({ format: 'orphan', name: null });
    // Listing wrote nothing (BullMQ's getter deletes entries it cannot read).
    expect(await client.zscore('bull:mixed:repeat', 'dangling')).not.toBeNull();
  });

  it('migrates a hashed BullMQ 5 cron repeatable with its template, and removes the legacy entry and its pending job', async () => {
    const queue = q('migrate-cron');
    const legacy = await writeHashedRepeatable('migrate-cron', { name: 'daily-report', pattern: '0 8 * * *', tz: 'Europe/Paris', data: { to: 'cfo', format: 'pdf' }, opts: { attempts: 3, backoff: { type: 'fixed', delay: 1000 } } });

    const out = await migrateLegacyRepeatable(operator, { conn: 'main', queue: 'migrate-cron', schedulerId: legacy.key }, {});
    expect(out.id).toBe('daily-report');
    expect(out.message).toBe(`Legacy repeatable migrated to schedule "daily-report" (At 08:00): next run ${formatInZoneWithOffset(legacy.next, 'Europe/Paris')} Europe/Paris.`);
    expect(out.message).toMatch(/ 08:00:00 \+0[12]:00 Europe\/Paris\.$/);
    const scheduler = await queue.getJobScheduler('daily-report');
    expect(scheduler).toMatchObject({ pattern: '0 8 * * *', tz: 'Europe/Paris', next: legacy.next, template: { data: { to: 'cfo', format: 'pdf' }, opts: { attempts: 3, backoff: { type: 'fixed', delay: 1000 } } } });
    expect(await client.zscore('bull:migrate-cron:repeat', legacy.key)).toBeNull();
    expect(await client.exists(`bull:migrate-cron:repeat:${legacy.key}`)).toBe(0);
    expect(await client.exists(`bull:migrate-cron:${legacy.jobId}`)).toBe(0);
    expect(await queue.getDelayed(0, 10)).toEqual([expect.objectContaining({ id: `repeat:daily-report:${legacy.next}`, name: 'daily-report', data: { to: 'cfo', format: 'pdf' } })]);
    const list = await listSchedules({ queue: 'main/migrate-cron' });
    expect(list.legacy).toEqual([]);
    expect(list.schedules.map((s) => s.id)).toEqual(['daily-report']);
    const [[, fields]] = await client.xrevrange(KEYS.audit, '+', '-', 'COUNT', 1);
    expect(JSON.parse(fields[1])).toMatchObject({ action: 'schedule.migrate', outcome: 'ok', queue: 'migrate-cron', params: { key: legacy.key, id: 'daily-report' } });
  });

  it('migrates an old-format interval repeatable on the same phase', async () => {
    const queue = q('migrate-every');
    const legacy = await writeKeyRepeatable('migrate-every', { name: 'cleanup', every: 900_000, data: { olderThan: '7d' } });
    await migrateLegacyRepeatable(operator, { conn: 'main', queue: 'migrate-every', schedulerId: legacy.key }, { id: 'cleanup-every-15m' });
    const scheduler = await queue.getJobScheduler('cleanup-every-15m');
    expect(scheduler).toMatchObject({ every: 900_000, next: legacy.next, startDate: legacy.next, template: { data: { olderThan: '7d' } } });
    expect(await client.zcard('bull:migrate-every:repeat')).toBe(1);
    expect(await client.exists(`bull:migrate-every:${legacy.jobId}`)).toBe(0);
  });

  it('refuses what it cannot migrate, precisely, and changes nothing', async () => {
    q('refusals');
    const noJob = await writeHashedRepeatable('refusals', { name: 'lost', pattern: '0 * * * *', data: {}, writeJob: false });
    await client.zadd('bull:refusals:repeat', Date.now(), 'dangling');
    const t = (schedulerId: string) => ({ conn: 'main', queue: 'refusals', schedulerId });
    const before = await client.zrange('bull:refusals:repeat', '0', '-1');

    await expect(migrateLegacyRepeatable(operator, t(noJob.key), {})).rejects.toThrow(`The pending job of legacy repeatable "${noJob.key}" is gone, so its data is unknown`);
    await expect(migrateLegacyRepeatable(operator, t('dangling'), {})).rejects.toThrow('Legacy entry "dangling" has no metadata');
    await expect(migrateLegacyRepeatable(operator, t('missing'), {})).rejects.toMatchObject({ status: 404, message: 'No legacy repeatable "missing" in queue "refusals"' });
    await expect(migrateLegacyRepeatable(ctxAs('viewer'), t(noJob.key), {})).rejects.toThrow('This needs the operator role; you are viewer');
    await expect(migrateLegacyRepeatable(operator, { ...t(noJob.key), conn: 'frozen' }, {})).rejects.toThrow('Connection "frozen" is read-only: changes are disabled');
    expect(await client.zrange('bull:refusals:repeat', '0', '-1')).toEqual(before);

    // With an explicit template it goes through.
    await migrateLegacyRepeatable(operator, t(noJob.key), { template: { name: 'lost', data: { restored: true } } });
    expect(await client.zrange('bull:refusals:repeat', '0', '-1')).toEqual(expect.arrayContaining(['lost', 'dangling']));
    await expect(migrateLegacyRepeatable(operator, t('lost'), {})).rejects.toThrow('"lost" is a BullMQ 6 job scheduler, not a legacy repeatable');
  });
});

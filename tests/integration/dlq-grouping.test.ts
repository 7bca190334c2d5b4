// Error groups on a real Redis: failures that differ only in a path (or a host, a number…) are one
// group; a long hostile message is captured and grouped quickly; and dead letters captured before the
// grouping rules changed join their current groups (no split, no lost group after an upgrade).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs, configureConnections } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { errorGroupV1 } from '../helpers/dlq-grouping-v1';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { bulkJobs } from '@/lib/jobs/bulk-jobs';
import { captureJobsById } from '@/lib/dlq/capture';
import { deadLetterTarget } from '@/lib/dlq/filter';
import { listErrorGroups } from '@/lib/dlq/list-error-groups';
import { listDeadLetters, listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';
import { errorGroupOf, GROUPING_VERSION, MAX_PATTERN_LENGTH } from '@/lib/dlq/normalize-error';
import { regroupDeadLetters } from '@/lib/dlq/regroup';
import { purgeDeadLetters } from '@/lib/dlq/purge-dead-letters';
import { exportDeadLettersResponse } from '@/lib/dlq/export-dead-letters';
import { ConflictError } from '@/lib/errors';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { dlqReasonsScript } from '@/lib/dlq/lua/dlq-reasons-1';
import { dlqKeyPrefix } from '@/lib/dlq/capture';

let redis: TestRedis;
let client: Redis;
const queues: Queue[] = [];
const operator = ctxAs('operator', 'op@test');
const base = KEYS.deadLetters('bull', 'dead-letter');
const main = () => getConnection('main');

/** Jobs failed by a plain BullMQ worker with the reasons given, in order; returns their ids. */
async function failJobs(name: string, reasons: string[]): Promise<string[]> {
  const queue = new Queue(name, { connection: { url: redis.url } });
  queues.push(queue);
  const added = await queue.addBulk(reasons.map((reason) => ({ name: 'convert', data: { reason } })));
  const worker = new Worker(
    name,
    async (job) => {
      throw new Error((job.data as { reason: string }).reason);
    },
    { connection: { url: redis.url }, concurrency: 50 },
  );
  await waitFor(async () => (await queue.getFailedCount()) === reasons.length, { timeout: 30_000, what: `${reasons.length} failed jobs in ${name}` });
  await worker.close();
  return added.map((j) => j.id!);
}

async function groupOf(pattern: string) {
  return (await listErrorGroups(main(), { limit: 500 })).groups.find((g) => g.pattern === pattern);
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  await configureConnections([{ name: 'main', url: redis.url }]);
});

afterAll(async () => {
  await Promise.all(queues.map((x) => x.close()));
  await closeAllConnections();
  await redis.stop();
});

describe('error groups', () => {
  it('put two failures that differ only in a file path into one group', async () => {
    await failJobs('thumbnails', ['source file /srv/uploads/2024/missing-a.png does not exist', 'source file /srv/uploads/2025/missing-b.png does not exist']);
    expect(await bulkJobs(operator, { conn: 'main', queue: 'thumbnails' }, { action: 'dead-letter', state: 'failed' })).toMatchObject({ succeeded: 2 });

    const group = await groupOf('source file <path> does not exist');
    expect(group).toMatchObject({ count: 2, sample: expect.stringMatching(/^source file \/srv\/uploads\/202[45]\/missing-[ab]\.png does not exist$/) });
    const listed = await listDeadLetters(main(), listDeadLettersQuerySchema.parse({ group: group!.id }));
    expect(listed.total).toBe(2);
    expect(listed.rows.map((r) => r.failedReason).sort()).toEqual(['source file /srv/uploads/2024/missing-a.png does not exist', 'source file /srv/uploads/2025/missing-b.png does not exist']);
  });

  it('capture and group a 1 MB hostile message quickly, with a capped pattern', async () => {
    const hostile = `ENOENT '${'a/'.repeat(250_000)}${'1.'.repeat(250_000)}`;
    await failJobs('hostile', [hostile]);
    const started = performance.now();
    expect(await bulkJobs(operator, { conn: 'main', queue: 'hostile' }, { action: 'dead-letter', state: 'failed' })).toMatchObject({ succeeded: 1 });
    const { groups } = await listErrorGroups(main(), { limit: 500 });
    const elapsed = performance.now() - started;
    const grouping = performance.now();
    const { id: groupId } = errorGroupOf(hostile);
    const groupingMs = performance.now() - grouping;
    const group = groups.find((g) => g.id === groupId);
    expect(group?.count).toBe(1);
    expect(group!.pattern.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    // Grouping looks at the first 2 KB of the 1 MB only: milliseconds, where one backtracking rule over
    // the whole message would take minutes. The capture around it copies the 1 MB through Redis a few
    // times (read, envelope, failedReason): seconds at most, even on a busy 2-core machine.
    expect(groupingMs).toBeLessThan(500);
    expect(elapsed).toBeLessThan(20_000);
  });
});

describe('after an upgrade of the grouping rules', () => {
  it('moves dead letters captured under the earlier rules into their current groups, with no group split or lost', async () => {
    const t = deadLetterTarget(main());
    // An existing DLQ: captured by a deployment from before the upgrade (groups of the version 1 rules).
    const old = ['connect ECONNREFUSED 10.0.0.5:5432', 'connect ECONNREFUSED 10.0.0.6:5432', 'input file /in/a-1.png is missing', 'input file /in/b-22.png is missing'];
    const oldIds = await failJobs('legacy', old);
    for (const [i, id] of oldIds.entries()) {
      expect(await captureJobsById(t, 'legacy', [id], { capturedBy: 'console:before-upgrade', group: errorGroupV1(old[i]) })).toMatchObject({ captured: [id] });
    }
    // Split under the earlier rules: the two paths are two groups.
    const v1Paths = [errorGroupV1(old[2]).id, errorGroupV1(old[3]).id];
    expect(new Set(v1Paths).size).toBe(2);
    for (const gid of v1Paths) expect(await client.zcard(`${base}:group:${gid}:ids`)).toBe(1);
    await client.del(`${base}:grouping`); // that deployment never recorded a grouping version

    // The upgraded runtime or console captures one more failure of each kind.
    const [newPath, newConnect] = await failJobs('legacy-new', ['input file /in/c-333.png is missing', 'connect ECONNREFUSED 10.9.8.7:5432']);
    expect(await captureJobsById(t, 'legacy-new', [newPath, newConnect], { capturedBy: 'console:after-upgrade' })).toMatchObject({ captured: [newPath, newConnect] });

    // The first read of the groups after the upgrade shows each failure once, with every member.
    const { groups, groupCount, regrouping } = await listErrorGroups(main(), { limit: 500 });
    expect(regrouping).toBe(false);
    const paths = groups.find((g) => g.pattern === 'input file <path> is missing');
    const connects = groups.find((g) => g.pattern === 'connect ECONNREFUSED <ip>:5432');
    expect(paths?.count).toBe(3);
    expect(connects?.count).toBe(3);
    expect(groups.filter((g) => g.pattern.includes('/in/') || g.pattern.includes('10.0.0.x'))).toEqual([]);
    // The emptied groups of the earlier rules are gone from every index.
    for (const gid of [...v1Paths, errorGroupV1(old[0]).id]) {
      expect(await client.exists(`${base}:group:${gid}`, `${base}:group:${gid}:ids`)).toBe(0);
      expect(await client.zscore(`${base}:groups`, gid)).toBeNull();
    }
    expect(groupCount).toBe(await client.zcard(`${base}:groups`));
    // A group filter finds the dead letters captured before and after the upgrade alike, newest first.
    const listed = await listDeadLetters(main(), listDeadLettersQuerySchema.parse({ group: paths!.id }));
    expect(listed.total).toBe(3);
    expect(listed.rows.map((r) => r.jobId).sort()).toEqual([oldIds[2], oldIds[3], newPath].sort());
    expect(listed.rows.every((r) => r.group === paths!.id)).toBe(true);
    expect(await client.hget(`${base}:grouping`, 'version')).toBe(String(GROUPING_VERSION));
  });

  it('re-groups a large DLQ in bounded steps that continue each other', async () => {
    const t = deadLetterTarget(main());
    // A large DLQ's index is a hash table, which HSCAN walks in steps (a small one is a listpack, read whole).
    await client.config('SET', 'hash-max-listpack-entries', '64');
    const reasons = Array.from({ length: 300 }, (_, i) => `upstream answered HTTP 503 for /items/${i}.json`);
    const ids = await failJobs('legacy-bulk', reasons);
    for (const [i, id] of ids.entries()) await captureJobsById(t, 'legacy-bulk', [id], { capturedBy: 'console:before-upgrade', group: errorGroupV1(reasons[i]) });
    await client.del(`${base}:grouping`);
    expect(new Set(reasons.map((r) => errorGroupV1(r).id)).size).toBe(300);

    // No time budget: one step of 50 per call, each resuming where the last stopped.
    let calls = 0;
    let moved = 0;
    for (;;) {
      const step = await regroupDeadLetters(t, { budgetMs: 0, batch: 50 });
      calls += 1;
      moved += step.moved;
      if (step.done) break;
      expect(calls).toBeLessThan(100);
    }
    expect(calls).toBeGreaterThan(2);
    expect(moved).toBe(300);
    const group = await groupOf('upstream answered HTTP 503 for <path>');
    expect(group?.count).toBe(300);
    // Done: the next read does not walk again.
    expect(await regroupDeadLetters(t, { budgetMs: 0, batch: 50 })).toEqual({ done: true, moved: 0 });
  });

  it('walks with one process at a time, reads reasons within a byte budget, and a purge by group waits for the walk', async () => {
    const t = deadLetterTarget(main());
    const reasons = ['disk /mnt/a-1 is full', 'disk /mnt/b-22 is full', 'disk /mnt/c-333 is full'];
    const ids = await failJobs('legacy-locked', reasons);
    for (const [i, id] of ids.entries()) await captureJobsById(t, 'legacy-locked', [id], { capturedBy: 'console:before-upgrade', group: errorGroupV1(reasons[i]) });
    await client.del(`${base}:grouping`);

    // Another walker holds the DLQ: this call does no work and says it is not done.
    await client.set(`${base}:grouping:lock`, 'another-process', 'PX', 60_000);
    expect(await regroupDeadLetters(t, { budgetMs: 0 })).toEqual({ done: false, moved: 0 });
    const current = errorGroupOf(reasons[0]);
    // A purge by the current group now could miss the members still under their old groups, or find
    // more than the user confirmed once the walk finishes: refused, nothing changed.
    const admin = ctxAs('admin', 'admin@test');
    await expect(purgeDeadLetters(admin, 'main', { filter: { group: current.id } })).rejects.toBeInstanceOf(ConflictError);
    expect(await client.zcard(`${base}:all`)).toBeGreaterThanOrEqual(3);
    // An export by that group would leave out the members still under their old groups: refused too.
    await expect(exportDeadLettersResponse(main(), { group: current.id })).rejects.toBeInstanceOf(ConflictError);

    // The reasons of one step are read in calls of at most the byte budget (at least one id each).
    const scripts = withLuaScripts(client, [dlqReasonsScript]);
    const envelopeIds = (await client.hkeys(`${base}:env`)).slice(0, 3);
    const one = await scripts.droverDlqReasons(base, dlqKeyPrefix(t), 8192, 1, ...envelopeIds);
    expect(one).toHaveLength(1);
    const all = await scripts.droverDlqReasons(base, dlqKeyPrefix(t), 8192, 1 << 20, ...envelopeIds);
    expect(all).toHaveLength(3);

    // The lock gone, the walk finishes; the purge by group then takes the whole group.
    await client.del(`${base}:grouping:lock`);
    expect(await regroupDeadLetters(t, { budgetMs: 5000 })).toMatchObject({ done: true });
    expect(await client.exists(`${base}:grouping:lock`)).toBe(0);
    expect((await groupOf('disk <path> is full'))?.count).toBe(3);
    const exported = await (await exportDeadLettersResponse(main(), { group: current.id })).text();
    expect(exported.trim().split('\n')).toHaveLength(3);
    expect(await purgeDeadLetters(admin, 'main', { filter: { group: current.id } })).toMatchObject({ purged: 3 });
  });
});

// The console's read, act and account flows on a real 3-master Redis Cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import IORedis, { Cluster } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { startTestCluster, type TestCluster } from '../helpers/redis-cluster';
import { ctxAs, configureConnections } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { getOverview } from '@/lib/queues/get-overview';
import { listJobs } from '@/lib/jobs/list-jobs';
import { listJobsQuerySchema, searchQuerySchema } from '@/lib/jobs/schemas';
import { getJob } from '@/lib/jobs/get-job';
import { searchJobs } from '@/lib/jobs/search-jobs';
import { bulkJobs as bulkJobAction } from '@/lib/jobs/bulk-jobs';
import { retryJob } from '@/lib/jobs/retry-job';
import { pauseQueue } from '@/lib/queues/pause-queue';
import { resumeQueue } from '@/lib/queues/resume-queue';
import { createUser, setUserRole, verifyCredentials } from '@/lib/auth/users';
import { reserveSigninAttempt, settleSigninAttempt } from '@/lib/auth/signin-rate-limit';
import { isSessionLive, registerSession } from '@/lib/auth/sessions';
import { createApiToken, verifyApiToken } from '@/lib/auth/api-tokens';
import { listAudit, auditQuerySchema } from '@/lib/audit/list-audit';
import { subscribeToQueue } from '@/lib/events/queue-events-hub';
import { parseConfig } from '@/lib/config/load-config';

let cluster: TestCluster;
const closers: Array<() => Promise<unknown>> = [];
const operator = ctxAs('operator', 'op@cluster');

function bullConnection() {
  const c = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { redisOptions: { maxRetriesPerRequest: null } });
  closers.push(async () => c.disconnect());
  return c;
}

beforeAll(async () => {
  cluster = await startTestCluster();
  await configureConnections([{ name: 'cl', url: cluster.url }]);
}, 240_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await closeAllConnections();
  await cluster?.stop();
});

describe('Redis Cluster', () => {
  it('defaults the prefix to a hash tag and refuses a cluster prefix without one', () => {
    expect(getConnection('cl').prefix).toBe('{bull}');
    expect(() => parseConfig({ connections: [{ name: 'c', url: cluster.url, prefix: 'bull' }] }, 't')).toThrow(/connections\[0\]\.prefix: on a Redis Cluster the prefix needs a hash tag, e\.g\. "\{bull\}"/);
  });

  it('discovers, counts, lists, opens and searches queues spread over the masters', async () => {
    const names = ['alpha', 'beta', 'gamma', 'delta'];
    for (const name of names) {
      const queue = new Queue(name, { connection: bullConnection(), prefix: '{bull}' });
      closers.push(() => queue.close());
      await queue.addBulk(Array.from({ length: 30 }, (_, i) => ({ name: `${name}-job`, data: { i, tag: i === 7 ? 'findme' : 'x' } })));
    }
    const failing = new Queue('alpha', { connection: bullConnection(), prefix: '{bull}' });
    closers.push(() => failing.close());
    const worker = new Worker('alpha', async (job) => {
      if (job.data.i % 10 === 0) throw new Error(`broke ${job.id}`);
      return 'ok';
    }, { connection: bullConnection(), prefix: '{bull}', concurrency: 5, name: 'drover@cluster:1' });
    closers.push(() => worker.close());
    await waitFor(async () => (await failing.getCompletedCount()) + (await failing.getFailedCount()) === 30, { timeout: 20_000, what: 'alpha processed' });

    const overview = await getOverview({ refresh: true });
    const cl = overview.connections[0];
    expect(cl.error).toBeNull();
    expect(cl.redis?.version).toMatch(/cluster, 3 masters/);
    expect(cl.queues.map((q) => q.name)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    const alpha = cl.queues.find((q) => q.name === 'alpha')!;
    expect(alpha.counts).toMatchObject({ completed: 27, failed: 3, waiting: 0 });
    expect(alpha.workers).toBe(1);
    expect(cl.queues.find((q) => q.name === 'beta')!.counts.waiting).toBe(30);

    const page = await listJobs(getConnection('cl'), 'beta', listJobsQuerySchema.parse({ state: 'waiting', size: 10, page: 3 }));
    expect(page.jobs).toHaveLength(10);
    const detail = await getJob(getConnection('cl'), 'beta', page.jobs[0].id);
    expect(detail.state).toBe('waiting');
    let cursor: string | undefined;
    const found: string[] = [];
    do {
      const chunk = await searchJobs(getConnection('cl'), 'gamma', searchQuerySchema.parse({ q: 'findme', field: 'data', cursor }));
      found.push(...chunk.matches.map((m) => m.name));
      cursor = chunk.cursor ?? undefined;
    } while (cursor);
    expect(found).toEqual(['gamma-job']);
  });

  it('acts: retries one and all failed jobs, pauses and resumes', async () => {
    const conn = getConnection('cl');
    const failed = await listJobs(conn, 'alpha', listJobsQuerySchema.parse({ state: 'failed' }));
    expect(failed.total).toBe(3);
    await pauseQueue(operator, { conn: 'cl', queue: 'alpha' });
    await retryJob(operator, { conn: 'cl', queue: 'alpha', id: failed.jobs[0].id });
    const all = await bulkJobAction(operator, { conn: 'cl', queue: 'alpha' }, { action: 'retry', state: 'failed' });
    expect(all.succeeded).toBe(2);
    const overview = await getOverview();
    expect(overview.connections[0].queues.find((q) => q.name === 'alpha')).toMatchObject({ paused: true, counts: { failed: 0, waiting: 3 } });
    await resumeQueue(operator, { conn: 'cl', queue: 'alpha' });
  });

  it('keeps users, tokens and the audit log on the cluster', async () => {
    await createUser({ email: 'c@x', password: 'cluster password', role: 'viewer' });
    expect((await verifyCredentials('c@x', 'cluster password'))?.role).toBe('viewer');
    const { token } = await createApiToken({ name: 'ci', role: 'operator', createdBy: 'c@x' });
    expect((await verifyApiToken(token))?.name).toBe('ci');
    const audit = await listAudit(auditQuerySchema.parse({ action: 'queue.' }));
    expect(audit.entries.map((e) => e.action)).toEqual(['queue.resume', 'queue.pause']);
  });

  it('runs the sign-in reservation script, the session registry and their revocation on the cluster', async () => {
    const attempts = await Promise.all(Array.from({ length: 12 }, () => reserveSigninAttempt('10.9.9.9', 'c@x')));
    expect(attempts.filter((a) => a.allowed)).toHaveLength(10);
    const first = attempts.find((a) => a.allowed);
    if (first?.allowed) await settleSigninAttempt(first.reservation, 'success');
    await registerSession('c@x', 'cluster-sid', 60_000);
    expect(await isSessionLive('c@x', 'cluster-sid')).toBe(true);
    await setUserRole('c@x', 'operator');
    expect(await isSessionLive('c@x', 'cluster-sid')).toBe(false);
  });

  it('delivers live events of many queues from a cluster through one shared reader connection', async () => {
    const names = ['alpha', 'beta', 'gamma', 'delta'];
    const seen: Array<{ queue: string; event: string; jobId: string }> = [];
    const unsubscribes = names.map((name) =>
      subscribeToQueue('cl', name, (e) => {
        if (e.type === 'job') seen.push({ queue: e.queue, event: e.event, jobId: e.jobId });
      }),
    );
    // The reader's start ids are read right away; give them a moment before publishing.
    await new Promise((r) => setTimeout(r, 300));
    const added: Array<{ queue: string; id: string }> = [];
    for (const name of ['beta', 'delta']) {
      const queue = new Queue(name, { connection: bullConnection(), prefix: '{bull}' });
      closers.push(() => queue.close());
      added.push({ queue: name, id: (await queue.add('live', {})).id! });
    }
    await waitFor(() => added.every((a) => seen.some((s) => s.queue === a.queue && s.jobId === a.id && s.event === 'waiting')), { what: 'waiting events of beta and delta' });
    // One XREAD over the four streams (same hash tag, same slot). The reader's cluster client holds a
    // connection to the slot's node and may keep the one it loaded the slot map from: at most one per node.
    const readers = await Promise.all(
      cluster.ports.map(async (port) => {
        const node = new IORedis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
        const list = (await node.call('CLIENT', 'LIST')) as string;
        node.disconnect();
        return list.split('\n').filter((l) => /name=drover:events\b/.test(l)).length;
      }),
    );
    expect(Math.max(...readers)).toBe(1);
    unsubscribes.forEach((off) => off());
  });
});

// Queue objectives on both stores (console and queues on the same server: Redis, or PostgreSQL with
// BullMQ's schema next to Drover's): set/read/clear with audit, roles and scopes; the config file's
// objectives lock their queue; bounds; values measured from real jobs (p95s of jobs a BullMQ worker
// completed, a real stalled job); the overview's colour and order; and the acceptance test: with two
// console replicas (two processes, each sampling and evaluating on the shared lease) an objective breach
// pages each channel once and resolves it once.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { Queue, Worker, createPostgresBackend, type Processor, type WorkerOptions } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { ctxAs, actor } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS, type StoreKind } from '../helpers/stores';
import { callOperation, refusal } from '../helpers/operations';
import { lastAudit } from '../helpers/audit';
import { waitFor } from '../helpers/wait';
import { killIfRunning, root, startHttpPeer, TSX } from '../helpers/workers';
import { getConsoleConnection, listConnections } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { sampleOnce } from '@/lib/metrics/sampler';
import { evaluateAlerts, resetAlertCache } from '@/lib/alerts/evaluate-alerts';
import { createAlertRule } from '@/lib/alerts/create-alert-rule';
import { deleteAlertRule } from '@/lib/alerts/delete-alert-rule';
import { readRules } from '@/lib/alerts/store';
import { alertRuleInputSchema } from '@/lib/alerts/rule';
import { createChannel } from '@/lib/alerts/channels/create-channel';
import { deleteChannel } from '@/lib/alerts/channels/delete-channel';
import { readChannels } from '@/lib/alerts/channels/channel-store';
import { channelInputSchema } from '@/lib/alerts/channels/channel';
import { queueOperations as ops } from '@/lib/operations/queues';
import { setObjectives } from '@/lib/objectives/set-objectives';
import { clearObjectives } from '@/lib/objectives/clear-objectives';
import { getObjectives } from '@/lib/objectives/get-objectives';
import { OBJECTIVE_LIMITS, objectiveScope, queueObjectivesSchema, type ObjectivesView } from '@/lib/objectives/objective';
import { objectiveStore } from '@/lib/store/console/objectives';
import { getConnection } from '@/lib/redis/connections';
import { getOverview } from '@/lib/queues/get-overview';
import { getQueueSummaries } from '@/lib/queues/queue-summary';
import { getQueueMetrics } from '@/lib/metrics/queue-metrics';
import { compareJudged, queueHealth } from '@/lib/queues/queue-health';
import { QUEUE_READINGS_MAX, STALLED_MAX_SCAN, readQueueReadings } from '@/lib/alerts/queue-readings';
import { recordSamples } from '@/lib/metrics/record-samples';
import type { MetricsSnapshot } from '@/lib/metrics/snapshot';
import { principalWithAccess } from '@/lib/auth/principal';
import { ConflictError, ForbiddenError } from '@/lib/errors';

const admin = ctxAs('admin', 'root@test');
const operator = ctxAs('operator', 'op@test');

let peer: Awaited<ReturnType<typeof startHttpPeer>>;

beforeAll(async () => {
  process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
  process.env.DROVER_PUBLIC_URL = 'https://drover.example.com';
  // p95s are re-read every round in these tests (the floor is 1 s; rounds here are seconds apart).
  process.env.DROVER_OBJECTIVE_EVERY_MS = '1000';
  peer = await startHttpPeer(() => ({ status: 200 }));
});
afterAll(async () => {
  delete process.env.DROVER_PUBLIC_URL;
  delete process.env.DROVER_OBJECTIVE_EVERY_MS;
  await peer.close();
});

describe.each(STORE_KINDS)('queue objectives (console and queues on %s)', (kind: StoreKind) => {
  const c = consoleForThisFile(kind, ({ url }) => [
    { name: 'main', url, queues: ['locked'], objectives: { locked: { oldestWaitMs: 60_000, failureRatePct: 5 } } },
  ]);
  const made: Array<{ close: () => Promise<unknown> }> = [];
  const connection = () => (kind === 'redis' ? { url: c.url } : { connectionString: c.url, migrate: true });
  const queue = (name: string): Queue => {
    const q = kind === 'redis' ? new Queue(name, { connection: connection() }) : (new Queue(name, { connection: connection() }, createPostgresBackend) as unknown as Queue);
    made.push(q);
    return q;
  };
  const worker = (name: string, processor: Processor, opts: Omit<WorkerOptions, 'connection'> = {}): Worker => {
    const w = kind === 'redis' ? new Worker(name, processor, { ...opts, connection: connection() }) : (new Worker(name, processor, { ...opts, connection: connection() }, createPostgresBackend) as unknown as Worker);
    w.on('error', () => {});
    made.push(w);
    return w;
  };
  let clock = Date.now();
  async function round(advanceMs = 2000) {
    clock = Math.max(clock + advanceMs, Date.now());
    for (const conn of listConnections()) await discoverQueues(conn, { refresh: true }).catch(() => {});
    const snapshot = await sampleOnce({ now: clock });
    return evaluateAlerts(snapshot, { now: clock });
  }

  beforeAll(async () => {
    await c.reset();
  });
  afterEach(async () => {
    for (const r of await readRules()) await deleteAlertRule(admin, { id: r.id });
    for (const ch of await readChannels()) await deleteChannel(admin, { id: ch.id });
    resetAlertCache();
    peer.requests.length = 0;
  });
  afterAll(async () => {
    await Promise.allSettled(made.splice(0).map((x) => x.close()));
  });

  it('an operator sets, reads and clears a queue’s objectives, each change audited; viewers only read; a scoped operator only on its queues', async () => {
    const q = queue('orders');
    await q.add('o', {});
    const params = { conn: 'main', queue: 'orders' };
    const body = queueObjectivesSchema.parse({ waitP95Ms: 30_000, oldestWaitMs: 120_000 });

    const set = await callOperation<{ objectives: unknown }>(ops.setObjectives, actor('operator'), { params, body });
    expect(set.objectives).toEqual({ waitP95Ms: 30_000, oldestWaitMs: 120_000, windowMinutes: 15 });
    expect(await lastAudit()).toMatchObject({ action: 'queue.objectives.set', outcome: 'ok', connection: 'main', queue: 'orders' });

    const read = await callOperation<ObjectivesView>(ops.getObjectives, actor('viewer'), { params });
    expect(read).toMatchObject({ source: 'console', objectives: { waitP95Ms: 30_000, oldestWaitMs: 120_000, windowMinutes: 15 }, status: null });

    // A viewer may not set; an operator scoped to other queues does not see this one (404).
    expect(await refusal(callOperation(ops.setObjectives, actor('viewer'), { params, body }))).toBeInstanceOf(ForbiddenError);
    const scoped = principalWithAccess({ kind: 'session', id: 'billing-op@test', name: 'billing-op@test' }, { global: null, grants: [{ connection: 'main', queue: 'billing*', role: 'operator' }] });
    expect((await refusal(callOperation(ops.clearObjectives, scoped, { params }))).message).toMatch(/not found/i);
    expect((await getObjectives(getConnection('main'), 'orders')).objectives).not.toBeNull();

    await callOperation(ops.clearObjectives, actor('operator'), { params });
    expect(await lastAudit()).toMatchObject({ action: 'queue.objectives.clear', outcome: 'ok', queue: 'orders' });
    expect(await getObjectives(getConnection('main'), 'orders')).toEqual({ objectives: null, source: null, status: null });
    // Clearing again (nothing stored) is a 404, audited as refused, not a second "cleared" (failed before this fix).
    const again = await refusal(callOperation(ops.clearObjectives, actor('operator'), { params }));
    expect(again.message).toMatch(/no objectives/);
    expect(await lastAudit()).toMatchObject({ action: 'queue.objectives.clear', outcome: 'refused', queue: 'orders' });
    // Objectives for a queue that does not exist are refused (made-up names cannot fill the store).
    expect((await refusal(setObjectives(operator, { conn: 'main', queue: 'no-such-queue' }, body))).message).toMatch(/not found/);
  });

  it('objectives set in the config file lock their queue: shown as config, read-only (409, audited as refused)', async () => {
    // Its own actor: refusals are aggregated per actor, action and outcome (README › Audit), this one must stand alone.
    const lockOp = ctxAs('operator', 'lock-op@test');
    const view = await getObjectives(getConnection('main'), 'locked');
    expect(view).toMatchObject({ source: 'config', objectives: { oldestWaitMs: 60_000, failureRatePct: 5, windowMinutes: 15 } });
    const err = await refusal(setObjectives(lockOp, { conn: 'main', queue: 'locked' }, queueObjectivesSchema.parse({ oldestWaitMs: 1 })));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/config file/);
    expect(await lastAudit()).toMatchObject({ action: 'queue.objectives.set', outcome: 'refused', queue: 'locked' });
    expect(await refusal(clearObjectives(lockOp, { conn: 'main', queue: 'locked' }))).toBeInstanceOf(ConflictError);
    expect(await lastAudit()).toMatchObject({ action: 'queue.objectives.clear', outcome: 'refused', queue: 'locked' });
    expect((await getObjectives(getConnection('main'), 'locked')).objectives).toMatchObject({ oldestWaitMs: 60_000 });
  });

  it(`bounds: values and window validated; at most ${OBJECTIVE_LIMITS.storedQueues} queues with objectives in the console store`, async () => {
    expect(queueObjectivesSchema.safeParse({}).success).toBe(false);
    expect(queueObjectivesSchema.safeParse({ windowMinutes: 10 }).success).toBe(false);
    expect(queueObjectivesSchema.safeParse({ waitP95Ms: 0 }).success).toBe(false);
    expect(queueObjectivesSchema.safeParse({ waitP95Ms: OBJECTIVE_LIMITS.maxMs + 1 }).success).toBe(false);
    expect(queueObjectivesSchema.safeParse({ failureRatePct: 101 }).success).toBe(false);
    expect(queueObjectivesSchema.safeParse({ failureRatePct: 5, windowMinutes: OBJECTIVE_LIMITS.windowMinutesMax + 1 }).success).toBe(false);
    expect(queueObjectivesSchema.safeParse({ failureRatePct: 5, extra: 1 }).success).toBe(false);

    const q = queue('bounded');
    await q.add('b', {});
    // The store full of other queues' objectives (written directly: the bound is what is tested).
    const json = JSON.stringify({ oldestWaitMs: 1000, windowMinutes: 15 });
    for (let i = 0; i < OBJECTIVE_LIMITS.storedQueues; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => objectiveStore().write(objectiveScope('main', `filler-${i + j}`), json)));
    }
    const err = await refusal(setObjectives(operator, { conn: 'main', queue: 'bounded' }, queueObjectivesSchema.parse({ oldestWaitMs: 5000 })));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/At most 1,000 queues/);
    // Changing one that is stored still works at the bound.
    await objectiveStore().write(objectiveScope('main', 'filler-0'), null);
    await setObjectives(operator, { conn: 'main', queue: 'bounded' }, queueObjectivesSchema.parse({ oldestWaitMs: 5000 }));
    await setObjectives(operator, { conn: 'main', queue: 'bounded' }, queueObjectivesSchema.parse({ oldestWaitMs: 6000 }));
    expect((await objectiveStore().all()).size).toBe(OBJECTIVE_LIMITS.storedQueues);
    // Six places free, twenty operators set objectives on twenty queues at once: exactly six are saved
    // (failed before this fix: each read the count before any wrote, and all twenty passed the bound).
    for (let i = 1; i <= 6; i++) await objectiveStore().write(objectiveScope('main', `filler-${i}`), null);
    const racers = Array.from({ length: 20 }, (_, i) => `racer-${i}`);
    await Promise.all(racers.map((name) => queue(name).add('r', {})));
    const raced = await Promise.allSettled(racers.map((name) => setObjectives(operator, { conn: 'main', queue: name }, queueObjectivesSchema.parse({ oldestWaitMs: 5000 }))));
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    expect(raced.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof ConflictError)).toBe(true);
    expect((await objectiveStore().all()).size).toBe(OBJECTIVE_LIMITS.storedQueues);
    for (const name of racers) await objectiveStore().write(objectiveScope('main', name), null);
    for (let i = 0; i < OBJECTIVE_LIMITS.storedQueues; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => objectiveStore().write(objectiveScope('main', `filler-${i + j}`), null)));
    }
    await clearObjectives(operator, { conn: 'main', queue: 'bounded' });
  });

  it('p95s are measured from jobs a worker really completed; the overview colours the queue and sorts it first; a cleared objective leaves the overview', async () => {
    const slow = queue('slow');
    const calm = queue('calm');
    await calm.add('c', {});
    await slow.addBulk(Array.from({ length: OBJECTIVE_LIMITS.minSamples + 5 }, (_, i) => ({ name: `s${i}`, data: {} })));
    await setObjectives(operator, { conn: 'main', queue: 'slow' }, queueObjectivesSchema.parse({ processingP95Ms: 5, waitP95Ms: 3_600_000 }));
    await setObjectives(operator, { conn: 'main', queue: 'calm' }, queueObjectivesSchema.parse({ waitP95Ms: 3_600_000 }));
    // Each job takes at least 30 ms: a processing p95 far above its 5 ms objective.
    const w = worker('slow', async () => new Promise((resolve) => setTimeout(resolve, 30)), { concurrency: 5 });
    await waitFor(async () => (await slow.getJobCounts('completed')).completed === OBJECTIVE_LIMITS.minSamples + 5, { what: 'every slow job completed', timeout: 60_000 });
    await w.close();

    await round();
    const view = await getObjectives(getConnection('main'), 'slow');
    expect(view.status).toMatchObject({ level: 'breach', breached: ['processingP95Ms'] });
    expect(view.status!.values.processingP95Ms).toBeGreaterThanOrEqual(30);
    expect(view.status!.values.waitP95Ms).not.toBeNull();
    expect(view.status!.text).toMatch(/^Processing p95 \d+ ms > 5 ms/);
    // Too few jobs in the window: no p95 (not a breach).
    expect((await getObjectives(getConnection('main'), 'calm')).status).toMatchObject({ level: 'none', text: 'No data yet', values: { waitP95Ms: null } });

    const overview = await getOverview({ refresh: true });
    const rows = overview.connections.find((x) => x.name === 'main')!.queues;
    const now = Date.now();
    const judged = rows.map((r) => ({ ...r, connection: 'main', health: queueHealth(r, now) }));
    const slowRow = judged.find((r) => r.name === 'slow')!;
    expect(slowRow.objective?.level).toBe('breach');
    expect(slowRow.health).toMatchObject({ level: 'objective', objective: 'breach' });
    // Worst first: only queues with jobs waiting and no worker at all (earlier tests' queues) come before a missed objective.
    const sorted = judged.sort(compareJudged);
    expect(sorted.slice(0, sorted.indexOf(slowRow)).every((r) => r.health.level === 'no-workers')).toBe(true);
    expect(sorted.slice(sorted.indexOf(slowRow) + 1).every((r) => r.health.level !== 'no-workers' && r.health.level !== 'objective')).toBe(true);

    // A window changed: the p95 read over the old window is not kept (failed before this fix: it stayed
    // until the next cadence, here 1 s, and then whenever a read failed). 90 s later, the jobs are inside
    // 15 minutes but outside 1 minute.
    await round(90_000);
    expect((await getObjectives(getConnection('main'), 'slow')).status!.values.processingP95Ms).toBeGreaterThanOrEqual(30);
    await setObjectives(operator, { conn: 'main', queue: 'slow' }, queueObjectivesSchema.parse({ processingP95Ms: 5, waitP95Ms: 3_600_000, windowMinutes: 1 }));
    await round(100);
    expect((await getObjectives(getConnection('main'), 'slow')).status!.values).toMatchObject({ processingP95Ms: null, waitP95Ms: null });

    // A status judged longer ago than the one freshness limit (3 cadences, at least 1 min) is not shown as
    // current, on the queue page nor on the overview (failed before this fix: any age on the queue page, 10 min on the overview).
    const stale = { at: Date.now() - 2 * 60_000, values: { waitP95Ms: 1, oldestWaitMs: null, failureRatePct: null, processingP95Ms: null }, breached: [], level: 'ok', text: 'Objectives met' };
    const statuses = await objectiveStore().statuses();
    statuses.set(objectiveScope('main', 'calm'), JSON.stringify(stale));
    await objectiveStore().replaceStatuses(statuses);
    expect((await getObjectives(getConnection('main'), 'calm')).status).toBeNull();
    const calmRow = (await getOverview({ refresh: true })).connections.find((x) => x.name === 'main')!.queues.find((r) => r.name === 'calm')!;
    expect(calmRow.objective).toBeNull();
    statuses.set(objectiveScope('main', 'calm'), JSON.stringify({ ...stale, at: Date.now() - 30_000 }));
    await objectiveStore().replaceStatuses(statuses);
    expect((await getObjectives(getConnection('main'), 'calm')).status).toMatchObject({ level: 'ok' });

    await clearObjectives(operator, { conn: 'main', queue: 'slow' });
    await round();
    const after = (await getOverview({ refresh: true })).connections.find((x) => x.name === 'main')!.queues.find((r) => r.name === 'slow')!;
    expect(after.objective).toBeNull();
    expect((await objectiveStore().statuses()).has(objectiveScope('main', 'slow'))).toBe(false);
    await clearObjectives(operator, { conn: 'main', queue: 'calm' });
  });

  it('the measured p95s go into the queue\'s samples and its metrics series (the queue page\'s p95 charts); a sample before the first measurement and a queue without p95 objectives carry none (failed before this change: samples had no p95s)', async () => {
    const timed = queue('sampled-p95');
    const plain = queue('sampled-no-p95');
    await plain.add('p', {});
    await timed.addBulk(Array.from({ length: OBJECTIVE_LIMITS.minSamples + 5 }, (_, i) => ({ name: `t${i}`, data: {} })));
    const w = worker('sampled-p95', async () => new Promise((resolve) => setTimeout(resolve, 30)), { concurrency: 5 });
    await waitFor(async () => (await timed.getJobCounts('completed')).completed === OBJECTIVE_LIMITS.minSamples + 5, { what: 'every timed job completed', timeout: 60_000 });
    await w.close();
    await setObjectives(operator, { conn: 'main', queue: 'sampled-p95' }, queueObjectivesSchema.parse({ processingP95Ms: 5, waitP95Ms: 3_600_000 }));
    await setObjectives(operator, { conn: 'main', queue: 'sampled-no-p95' }, queueObjectivesSchema.parse({ oldestWaitMs: 3_600_000 }));

    // The first round samples before it measures: that sample has no p95; the next one carries what was measured.
    await round();
    await round();
    const status = (await getObjectives(getConnection('main'), 'sampled-p95')).status!;
    expect(status.values.processingP95Ms).toBeGreaterThanOrEqual(30);

    const series = await callOperation<{ depth: Array<Record<string, unknown>> }>(ops.queueMetrics, actor('viewer'), { params: { conn: 'main', queue: 'sampled-p95' }, query: { range: '1h' } });
    const [before, after] = series.depth.slice(-2);
    expect(before).not.toHaveProperty('processingP95Ms');
    expect(before).not.toHaveProperty('waitP95Ms');
    expect(after).toMatchObject({ waitP95Ms: status.values.waitP95Ms, processingP95Ms: status.values.processingP95Ms });

    // No p95 objective: no p95 measured, none recorded (absent, not 0).
    const none = await callOperation<{ depth: Array<Record<string, unknown>> }>(ops.queueMetrics, actor('viewer'), { params: { conn: 'main', queue: 'sampled-no-p95' }, query: { range: '1h' } });
    expect(none.depth.length).toBeGreaterThan(0);
    for (const p of none.depth) expect(p).not.toHaveProperty('waitP95Ms');

    await clearObjectives(operator, { conn: 'main', queue: 'sampled-p95' });
    await clearObjectives(operator, { conn: 'main', queue: 'sampled-no-p95' });
    // Cleared: the next round no longer measures the queue, and the samples after it have no p95s.
    await round();
    await round();
    const cleared = await callOperation<{ depth: Array<Record<string, unknown>> }>(ops.queueMetrics, actor('viewer'), { params: { conn: 'main', queue: 'sampled-p95' }, query: { range: '1h' } });
    expect(cleared.depth[cleared.depth.length - 1]).not.toHaveProperty('processingP95Ms');
  });

  /**
   * The objective status entries one call reads from the console store: on Redis the fields of the
   * commands on the status hash (seen by MONITOR; "*" for a whole-hash read), on PostgreSQL the scopes of
   * the objective_status rows the statements returned.
   */
  async function statusEntriesRead(call: () => Promise<unknown>): Promise<string[]> {
    if (kind === 'redis') {
      const client = new Redis(c.url);
      const monitor = await client.monitor(); // a second connection, in MONITOR mode
      const seen: string[][] = [];
      monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
      try {
        await call();
        // MONITOR shows commands in the order the server ran them: once the marker is seen, the call's are too.
        const marker = `objectives-read-${Date.now()}`;
        await getConsoleConnection().redis.echo(marker);
        await waitFor(() => seen.some((a) => a[1] === marker), { what: 'the marker command on MONITOR', interval: 20 });
      } finally {
        monitor.disconnect();
        client.disconnect();
      }
      return seen
        .filter((a) => a[1] === KEYS.objectiveStatus)
        .flatMap(([cmd, , ...fields]) => (cmd.toLowerCase() === 'hmget' || cmd.toLowerCase() === 'hget' ? fields : ['*']));
    }
    const db = (getConsoleConnection() as unknown as { drover: { rows: (sql: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>> } }).drover;
    const read: string[] = [];
    const original = db.rows.bind(db);
    const spy = vi.spyOn(db, 'rows').mockImplementation(async (sql: string, values?: unknown[]) => {
      const rows = await original(sql, values);
      if (sql.includes('objective_status')) read.push(...rows.map((r) => String(r.scope)));
      return rows;
    });
    try {
      await call();
    } finally {
      spy.mockRestore();
    }
    return read;
  }

  it('a request for one queue reads its one status entry; the overview reads only the entries of the queues it shows (failed before this fix: the whole status store, every request)', async () => {
    const q = queue('bounded-read');
    await q.add('b', {});
    await setObjectives(operator, { conn: 'main', queue: 'bounded-read' }, queueObjectivesSchema.parse({ oldestWaitMs: 600_000 }));
    // Statuses of 300 other queues with objectives (none of them exists: the overview does not show them).
    const status = (at: number) => JSON.stringify({ at, values: { waitP95Ms: null, oldestWaitMs: 0, failureRatePct: null, processingP95Ms: null }, breached: [], level: 'ok', text: 'Objectives met' });
    const statuses = new Map(Array.from({ length: 300 }, (_, i) => [objectiveScope('main', `elsewhere-${i}`), status(Date.now())] as [string, string]));
    statuses.set(objectiveScope('main', 'bounded-read'), status(Date.now()));
    await objectiveStore().replaceStatuses(statuses);

    let view: ObjectivesView | null = null;
    const one = await statusEntriesRead(async () => (view = await getObjectives(getConnection('main'), 'bounded-read')));
    expect(view!.status).toMatchObject({ level: 'ok' });
    expect(one).toEqual([objectiveScope('main', 'bounded-read')]);

    let shown: string[] = [];
    const overviewRead = await statusEntriesRead(async () => {
      const overview = await getOverview({ refresh: true });
      const main = overview.connections.find((x) => x.name === 'main')!;
      shown = main.queues.map((r) => objectiveScope('main', r.name));
      expect(main.queues.find((r) => r.name === 'bounded-read')!.objective).toMatchObject({ level: 'ok' });
    });
    expect(overviewRead).toContain(objectiveScope('main', 'bounded-read'));
    expect(overviewRead.every((scope) => scope.startsWith('console/') || shown.includes(scope))).toBe(true);
    expect(overviewRead.some((scope) => scope.includes('elsewhere-'))).toBe(false);

    // Many queues asked at once (an overview of thousands): read in chunks, every stored entry found, nothing else.
    const asked = Array.from({ length: 2500 }, (_, i) => objectiveScope('main', `elsewhere-${i}`));
    expect(new Set((await objectiveStore().statusesOf(asked)).keys())).toEqual(new Set(asked.slice(0, 300)));

    await objectiveStore().replaceStatuses(new Map());
    await clearObjectives(operator, { conn: 'main', queue: 'bounded-read' });
  });

  it('the oldest wait counts prioritized jobs: a queue with only prioritized jobs waiting is measured from its next one (failed before this fix on PostgreSQL: 0, never a breach)', async () => {
    const q = queue('prio-only');
    const first = await q.add('urgent', {}, { priority: 1 });
    await q.add('later', {}, { priority: 2 });
    const [summary] = await getQueueSummaries(getConnection('main'), ['prio-only']);
    expect(summary.counts).toMatchObject({ waiting: 0, prioritized: 2 });
    expect(summary.oldestWaitingAt).toBe(first.timestamp);

    await setObjectives(operator, { conn: 'main', queue: 'prio-only' }, queueObjectivesSchema.parse({ oldestWaitMs: 60_000 }));
    // Measured 90 s (or more) after the first job was added.
    clock = Math.max(clock, first.timestamp);
    await round(90_000);
    const view = await getObjectives(getConnection('main'), 'prio-only');
    expect(view.status).toMatchObject({ level: 'breach', breached: ['oldestWaitMs'] });
    expect(view.status!.values.oldestWaitMs).toBe(clock - first.timestamp);
    await clearObjectives(operator, { conn: 'main', queue: 'prio-only' });
    await q.obliterate({ force: true });
  });

  it('objectives left by a connection no longer configured: an admin clears them (audited), an operator may not; they are not measured meanwhile (failed before this fix: 404 "Unknown connection" for everyone)', async () => {
    // Saved while the connection "retired" was configured; the config file has since dropped it.
    const json = JSON.stringify({ oldestWaitMs: 1000, windowMinutes: 15 });
    await objectiveStore().write(objectiveScope('retired', 'old-queue'), json);
    expect(listConnections().map((x) => x.name)).not.toContain('retired');
    const params = { conn: 'retired', queue: 'old-queue' };
    await round();
    expect((await objectiveStore().statuses()).has(objectiveScope('retired', 'old-queue'))).toBe(false);

    const denied = await refusal(callOperation(ops.clearObjectives, actor('operator'), { params }));
    expect(denied).toBeInstanceOf(ForbiddenError);
    expect(denied.message).toMatch(/not configured \(any more\).*admin role/);
    expect(await lastAudit()).toMatchObject({ action: 'queue.objectives.clear', outcome: 'denied', connection: 'retired', queue: 'old-queue' });
    expect((await objectiveStore().get(objectiveScope('retired', 'old-queue'))).json).toBe(json);

    await callOperation(ops.clearObjectives, actor('admin'), { params });
    expect(await lastAudit()).toMatchObject({ action: 'queue.objectives.clear', outcome: 'ok', connection: 'retired', queue: 'old-queue' });
    expect((await objectiveStore().get(objectiveScope('retired', 'old-queue'))).json).toBeNull();
    // Nothing left: a 404 like any queue without objectives.
    expect((await refusal(callOperation(ops.clearObjectives, actor('admin'), { params }))).message).toMatch(/no objectives/);
  });

  it(`stalled jobs are counted from the queue's real "stalled" events (newest ${STALLED_MAX_SCAN.toLocaleString('en-US')} at most) and page a stalled-jobs rule`, async () => {
    const q = queue('stally');
    const hook = await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: 'stall-hook', config: { url: `${peer.url}/stall`, format: 'json' } }));
    await createAlertRule(admin, alertRuleInputSchema.parse({ name: 'stalls', kind: 'stalled-jobs', connection: 'main', queue: 'stally', threshold: 0, minutes: 5, cooldownMinutes: 0, channelIds: [hook.id] }));
    await q.add('hang', {});
    const since = Date.now() - 1000;
    // A worker that takes the job and never renews its lock: its own stalled checker finds the job stalled.
    // The job runs until the test lets it go (however slow the machine, it cannot finish before it stalls).
    let started = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const w = worker('stally', async () => {
      started++;
      await held;
    }, { lockDuration: 600, stalledInterval: 500, skipLockRenewal: true, maxStalledCount: 5 });
    const store = getConnection('main').store;
    await waitFor(async () => (await store.recentEventCount('stally', 'stalled', since, STALLED_MAX_SCAN)) > 0, { what: 'a stalled event', timeout: 30_000, interval: 100 });
    expect(started).toBeGreaterThan(0);
    release();
    await w.close(true);
    const count = await store.recentEventCount('stally', 'stalled', since, STALLED_MAX_SCAN);
    expect(count).toBeGreaterThan(0);
    // Events before `since` are not counted; the scan never looks past maxScan events.
    expect(await store.recentEventCount('stally', 'stalled', Date.now() + 60_000, STALLED_MAX_SCAN)).toBe(0);
    expect(await store.recentEventCount('stally', 'stalled', since, 1)).toBeLessThanOrEqual(1);

    await round();
    const fired = peer.requests.filter((r) => r.url.startsWith('/stall')).map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ state: 'firing', kind: 'stalled-jobs', queue: 'stally' });
    expect(Number(fired[0].value)).toBeGreaterThanOrEqual(1);
  });

  it('backlog growing while no worker is connected: measured from the sampled series, and not while a worker is connected', async () => {
    const q = queue('pileup');
    const hook = await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: 'pile-hook', config: { url: `${peer.url}/pile`, format: 'json' } }));
    await createAlertRule(admin, alertRuleInputSchema.parse({ name: 'pile', kind: 'backlog-growing-no-workers', connection: 'main', queue: 'pileup', threshold: 3, minutes: 5, cooldownMinutes: 0, channelIds: [hook.id] }));
    await q.add('p0', {});
    await round();
    await q.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: `p${i + 1}`, data: {} })));
    await round();
    const pile = () => peer.requests.filter((r) => r.url.startsWith('/pile')).map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(pile()).toHaveLength(1);
    expect(pile()[0]).toMatchObject({ state: 'firing', kind: 'backlog-growing-no-workers', value: 5 });
    // A worker connects (and takes nothing: the queue is paused for it): the growth no longer counts.
    await q.pause();
    const w = worker('pileup', async () => undefined);
    await w.waitUntilReady();
    await waitFor(async () => (await getConnection('main').store.workersByQueue()).get('pileup')?.length, { what: 'the worker seen by the store', timeout: 20_000 });
    await round();
    expect(pile().map((b) => b.state)).toEqual(['firing', 'resolved']);
    await w.close();
  });

  it(`bounds: backlog-growth and stalled-count reads stop at ${QUEUE_READINGS_MAX} queues per round (the rest are "no data" that round)`, async () => {
    // A connection with more queues than the bound, each with jobs waiting and no worker (the data the sampler records).
    const n = QUEUE_READINGS_MAX + 25;
    const now = Date.now();
    const counts = { waiting: 5, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 0, failed: 0 };
    const queues = Array.from({ length: n }, (_, i) => ({ connection: 'main', name: `many-${String(i).padStart(3, '0')}`, exists: true, counts, paused: false, globalConcurrency: null, globalRateLimit: null, oldestWaitingAt: now - 60_000, completed: { lastMinute: 0, lastHour: 0 }, failed: { lastMinute: 0, lastHour: 0 }, metricsRecorded: false, completedSeries: [], failedSeries: [], workers: 0 }));
    const snapshot = { at: now, connections: [{ name: 'main', up: true, error: null, deadLetterQueue: 'dead-letter', deadLetterJobs: 0, queues }] } as unknown as MetricsSnapshot;
    await recordSamples({ ...snapshot, at: now - 30_000 }, now - 30_000);
    const rule = (kind: 'backlog-growing-no-workers' | 'stalled-jobs') => ({ ...alertRuleInputSchema.parse({ name: kind, kind, connection: 'main', threshold: 1, minutes: 5, webhookUrl: 'https://hooks.example.com/x' }), id: kind, createdAt: 0, createdBy: 'a', updatedAt: 0 });
    const readings = await readQueueReadings([rule('backlog-growing-no-workers'), rule('stalled-jobs')], snapshot, now);
    const names = queues.map((q) => q.name);
    const grown = names.filter((q) => readings.backlogGrowth('main', q, 5) !== null);
    const counted = names.filter((q) => readings.stalledCount('main', q, 5) !== null);
    expect(grown).toHaveLength(QUEUE_READINGS_MAX);
    expect(grown.every((q) => readings.backlogGrowth('main', q, 5) === 0)).toBe(true); // sampled at 5 waiting, 5 waiting now
    expect(counted).toHaveLength(QUEUE_READINGS_MAX);
    // The next round counts the queues left out first (the longest-uncounted go first).
    const next = await readQueueReadings([rule('backlog-growing-no-workers'), rule('stalled-jobs')], snapshot, now + 1000);
    expect(names.filter((q) => !counted.includes(q)).every((q) => next.stalledCount('main', q, 5) === 0)).toBe(true);
    // Backlog growth rotates too: the queues past the bound are read in the next round (failed before this
    // fix: every round read the same first 200 in snapshot order).
    const notGrown = names.filter((q) => !grown.includes(q));
    expect(notGrown).toHaveLength(n - QUEUE_READINGS_MAX);
    expect(notGrown.every((q) => next.backlogGrowth('main', q, 5) === 0)).toBe(true);
  });

  it('stalled counts stop at their time budget per round: the queues left are "no data" that round, counted first next round', async () => {
    const now = Date.now();
    const counts = { waiting: 0, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 0, failed: 0 };
    const queues = Array.from({ length: 3 }, (_, i) => ({ connection: 'main', name: `budget-${i}`, exists: true, counts, paused: false, globalConcurrency: null, globalRateLimit: null, oldestWaitingAt: null, completed: { lastMinute: 0, lastHour: 0 }, failed: { lastMinute: 0, lastHour: 0 }, metricsRecorded: false, completedSeries: [], failedSeries: [], workers: 1 }));
    const snapshot = { at: now, connections: [{ name: 'main', up: true, error: null, deadLetterQueue: 'dead-letter', deadLetterJobs: 0, queues }] } as unknown as MetricsSnapshot;
    const rule = { ...alertRuleInputSchema.parse({ name: 'budget', kind: 'stalled-jobs', connection: 'main', threshold: 1, minutes: 7, webhookUrl: 'https://hooks.example.com/x' }), id: 'budget', createdAt: 0, createdBy: 'a', updatedAt: 0 };
    // Failed before this fix: the stalled counts had no time budget (a spent budget still counted every queue).
    const spent = await readQueueReadings([rule], snapshot, now, { stalledBudgetMs: 0 });
    expect(queues.map((q) => spent.stalledCount('main', q.name, 7))).toEqual([null, null, null]);
    const next = await readQueueReadings([rule], snapshot, now + 1000);
    expect(queues.map((q) => next.stalledCount('main', q.name, 7))).toEqual([0, 0, 0]);
  });

  it('recentEventCount counts on the server: exact across many chunks, and (Redis) no event body crosses the wire', async () => {
    const n = 300;
    const q = queue('chatty');
    const big = 'x'.repeat(20_000);
    const since = Date.now() - 1000;
    await q.addBulk(Array.from({ length: n }, (_, i) => ({ name: `c${i}`, data: {} })));
    // Every "completed" event carries the job's 20 KB return value: 6 MB in the queue's events.
    const w = worker('chatty', async () => big, { concurrency: 50 });
    const store = getConnection('main').store;
    await waitFor(async () => (await q.getJobCounts('completed')).completed === n, { what: 'all jobs completed', timeout: 120_000, interval: 200 });
    await w.close();
    const socket = kind === 'redis' ? (getConnection('main').redis as unknown as { stream: { bytesRead: number } }).stream : null;
    const before = socket?.bytesRead ?? 0;
    // Well over one call's chunk of entries (added, waiting, active, completed… per job).
    expect(await store.recentEventCount('chatty', 'completed', since, STALLED_MAX_SCAN)).toBe(n);
    expect(await store.recentEventCount('chatty', 'stalled', since, STALLED_MAX_SCAN)).toBe(0);
    // Failed before this fix on Redis: the chunks of whole entries brought the 6 MB of return values over.
    if (socket) expect(socket.bytesRead - before).toBeLessThan(10_000);
    // maxScan bounds the walk: the newest 10 events hold at most 10 completions.
    expect(await store.recentEventCount('chatty', 'completed', since, 10)).toBeLessThanOrEqual(10);
  });
});

describe.each(STORE_KINDS)('acceptance with two console replicas (%s)', (kind: StoreKind) => {
  const c = consoleForThisFile(kind, ({ url }) => [{ name: 'main', url }]);
  let q: Queue;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    children.forEach(killIfRunning);
    await q?.close();
  });

  it('an objective breach fires one alert per channel and one resolve, with two console replicas running', async () => {
    await c.reset();
    peer.requests.length = 0;
    q = kind === 'redis' ? new Queue('payments', { connection: { url: c.url } }) : (new Queue('payments', { connection: { connectionString: c.url, migrate: true } }, createPostgresBackend) as unknown as Queue);
    await q.add('pay', {});
    await setObjectives(operator, { conn: 'main', queue: 'payments' }, queueObjectivesSchema.parse({ oldestWaitMs: 1500 }));
    const a = await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: 'chan-a', config: { url: `${peer.url}/a`, format: 'json' } }));
    const b = await createChannel(admin, channelInputSchema.parse({ type: 'webhook', name: 'chan-b', config: { url: `${peer.url}/b`, format: 'slack' } }));
    await createAlertRule(admin, alertRuleInputSchema.parse({ name: 'payments wait', kind: 'objective-oldest-wait', connection: 'main', queue: 'payments', minutes: 0, cooldownMinutes: 0, channelIds: [a.id, b.id] }));

    // Two consoles: their own processes, each sampling every 200 ms and evaluating when it holds the lease.
    const rounds = [0, 0];
    let out = '';
    for (const [i, id] of ['replica-a', 'replica-b'].entries()) {
      const child = spawn(process.execPath, [...TSX, 'tests/fixtures/alert-evaluator-process.ts'], {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: undefined, ALERT_PROCESS_ID: id, ALERT_PROCESS_LEASE_MS: '1500' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        rounds[i] += (chunk.toString().match(/"evaluated"/g) ?? []).length;
      });
      child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    }
    const to = (path: string) => peer.requests.filter((r) => r.url.startsWith(path));
    await waitFor(() => to('/a').length >= 1 && to('/b').length >= 1, { what: `the firing on both channels (replicas' output: ${out.slice(-2000)})`, timeout: 120_000, interval: 100 });
    expect(JSON.parse(to('/a')[0].body)).toMatchObject({ state: 'firing', kind: 'objective-oldest-wait', queue: 'payments', link: 'https://drover.example.com/connections/main/queues/payments' });
    expect(to('/b')[0].body).toContain('Oldest waiting job of main/payments');
    // The replicas' samples carry the oldest wait the queue page charts against the objective line.
    const metrics = await getQueueMetrics(getConnection('main'), 'payments', '1h');
    expect(metrics.depth.some((p) => (p.oldestWaitS ?? 0) >= 1)).toBe(true);

    // Back within the objective (nothing waits): resolved once per channel, whichever replica holds the lease.
    await q.drain();
    await waitFor(() => to('/a').length >= 2 && to('/b').length >= 2, { what: `the resolve on both channels (output: ${out.slice(-2000)})`, timeout: 120_000, interval: 100 });
    // More rounds of the two replicas send nothing more.
    const seen = rounds[0] + rounds[1];
    await waitFor(() => rounds[0] + rounds[1] >= seen + 5, { what: 'five more evaluation rounds', timeout: 60_000, interval: 50 });
    expect(to('/a').map((r) => (JSON.parse(r.body) as { state: string }).state)).toEqual(['firing', 'resolved']);
    expect(to('/b')).toHaveLength(2);
    expect(children.every((child) => child.exitCode === null)).toBe(true); // both replicas ran throughout
  });
});

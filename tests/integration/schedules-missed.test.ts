// Missed and late schedule runs on real processes, on both stores: a job scheduler on the bundled
// "report" queue whose worker process is down is reported missed once the grace period has passed (and
// not before), the schedule-missed alert fires into a real HTTP receiver; a real worker process
// (workers/main.ts) started afterwards runs it again: the scheduler reads ok, the alert resolves, and
// the history shows each run (due, enqueued, started, finished, outcome). Drover's own delete is not
// "gone"; a scheduler removed behind Drover's back is, until forgotten.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { startConfiguredStore, STORE_KINDS, type TestStore } from '../helpers/stores';
import { killIfRunning, spawnWorkers, startHttpPeer, type SpawnedWorkers } from '../helpers/workers';
import { waitFor } from '../helpers/wait';
import { ctxAs } from '../helpers/console-env';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { sampleOnce } from '@/lib/metrics/sampler';
import { evaluateAlerts, resetAlertCache } from '@/lib/alerts/evaluate-alerts';
import { createAlertRule } from '@/lib/alerts/create-alert-rule';
import { watchSchedules } from '@/lib/schedules/watch/watch-schedules';
import { readScheduleRuns } from '@/lib/schedules/watch/schedule-runs';
import { listSchedules } from '@/lib/schedules/list-schedules';
import { deleteSchedule } from '@/lib/schedules/delete-schedule';
import { scheduleOperations } from '@/lib/operations/schedules';
import { scheduleWatchStore, watchField } from '@/lib/store/console/schedule-watch';
import { parseWatchRecord } from '@/lib/schedules/watch/watch-record';
import { obliterateQueue } from '@/lib/queues/obliterate-queue';
import { readQueueSchedulers } from '@/lib/schedules/read-schedulers';
import { setObjectives } from '@/lib/objectives/set-objectives';

const GRACE_MS = 3000;
const EVERY_MS = 2000;
const template = { name: 'queue-report', data: { queue: 'report', states: ['completed'], lastMinutes: 1, maxRows: 10 } };

describe.each(STORE_KINDS)('missed and late schedule runs on %s', (kind) => {
  let store: TestStore;
  let queue: Queue;
  let peer: Awaited<ReturnType<typeof startHttpPeer>>;
  let workers: SpawnedWorkers | undefined;
  let dataDir: string;
  const graceBefore = process.env.DROVER_SCHEDULE_GRACE_MS;
  const egressBefore = process.env.DROVER_EGRESS_ALLOW;

  const record = async (id: string, queueName = 'report') => {
    const json = await scheduleWatchStore().record('main', watchField(queueName, id));
    return json ? parseWatchRecord(json) : null;
  };
  /** One watch round and one alert evaluation, as the sampler's lease holder runs them. */
  const round = async (now = Date.now()) => {
    await discoverQueues(getConnection('main'), { refresh: true });
    const report = await watchSchedules({ now, connections: [getConnection('main')] });
    expect(report.errors).toEqual([]);
    await evaluateAlerts(await sampleOnce({ now }), { now });
    return report;
  };
  const bodies = () => peer.requests.map((r) => JSON.parse(r.body) as { state: string; kind: string; target?: string; value: number | null });

  beforeAll(async () => {
    process.env.DROVER_SCHEDULE_GRACE_MS = String(GRACE_MS);
    // The webhook receiver is on loopback, which the egress policy refuses unless allowed.
    process.env.DROVER_EGRESS_ALLOW = '127.0.0.1/32';
    store = await startConfiguredStore(kind);
    resetAlertCache();
    peer = await startHttpPeer(() => ({ status: 200 }));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-missed-'));
    queue = store.queue('report');
    await createAlertRule(ctxAs('admin'), {
      name: 'report schedules',
      enabled: true,
      kind: 'schedule-missed',
      connection: 'main',
      queue: 'report',
      threshold: 0,
      minutes: 0,
      cooldownMinutes: 0,
      webhookUrl: `${peer.url}/hook`,
      webhookFormat: 'json',
    });
  });

  afterAll(async () => {
    if (workers) {
      workers.child.kill('SIGTERM');
      await Promise.race([workers.exited, new Promise((r) => setTimeout(r, 30_000))]);
      killIfRunning(workers.child);
    }
    await peer?.close();
    await closeAllConnections();
    await store?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (graceBefore === undefined) delete process.env.DROVER_SCHEDULE_GRACE_MS;
    else process.env.DROVER_SCHEDULE_GRACE_MS = graceBefore;
    if (egressBefore === undefined) delete process.env.DROVER_EGRESS_ALLOW;
    else process.env.DROVER_EGRESS_ALLOW = egressBefore;
  });

  it('reports a scheduler whose worker is down as missed once the grace period has passed, and fires the alert', async () => {
    await queue.upsertJobScheduler('watch-me', { every: EVERY_MS }, template);
    const next = (await waitFor(async () => (await queue.getJobScheduler('watch-me'))?.next, { what: 'the scheduler’s next run' }))!;

    // Within the grace period: ok. Just past it: missed, since the pending run's due time.
    await round(next + GRACE_MS - 1);
    expect(await record('watch-me')).toMatchObject({ status: 'ok', next });
    await round(next + GRACE_MS + 1);
    expect(await record('watch-me')).toMatchObject({ status: 'missed', missedSince: next, missedCount: 1 });
    const fired = bodies().find((b) => b.state === 'firing');
    expect(fired).toMatchObject({ kind: 'schedule-missed', target: 'main/report/watch-me', value: 1 });

    // Real time: the count grows while nothing runs; the page and the API say so.
    await waitFor(async () => {
      await round();
      return ((await record('watch-me'))?.missedCount ?? 0) >= 3;
    }, { timeout: 30_000, what: 'three missed runs' });
    const listed = (await listSchedules({ queue: 'main/report' })).schedules;
    expect(listed[0]).toMatchObject({ id: 'watch-me', health: { status: 'missed', missedSince: next } });
    const api = await scheduleOperations.scheduleRuns.run({ actor: ctxAs('viewer').actor, via: 'api' }, { params: { conn: 'main', queue: 'report', schedulerId: 'watch-me' }, query: { limit: 50 }, body: undefined });
    expect(api).toMatchObject({ health: { status: 'missed' }, runs: [{ due: next, outcome: 'missed', jobId: `repeat:watch-me:${next}`, startedAt: null }] });
    // The round reads definitions without template data (the page reads data up to 64 KB).
    const [withoutData] = await readQueueSchedulers(getConnection('main'), ['report'], 0);
    expect(withoutData.schedulers[0]).toMatchObject({ id: 'watch-me', every: EVERY_MS, dataOmitted: true });
    expect(withoutData.schedulers[0].template.data).toBeUndefined();
    const [withData] = await readQueueSchedulers(getConnection('main'), ['report']);
    expect(withData.schedulers[0].template.data).toEqual(template.data);
  });

  it('recovers when a worker process returns: ok, the alert resolves, and the history shows each run', async () => {
    workers = spawnWorkers(['report'], { DROVER_CONFIG: process.env.DROVER_CONFIG, DROVER_WORKER_CONNECTION: 'main', DROVER_DATA_DIR: dataDir, WEBHOOK_SECRET: 's' });
    await workers.waitForLog((l) => l.event === 'workers.ready', 'workers ready');

    await waitFor(async () => {
      await round();
      const r = await record('watch-me');
      return r?.status === 'ok' && bodies().some((b) => b.state === 'resolved' && b.target === 'main/report/watch-me');
    }, { timeout: 60_000, what: 'the scheduler ok again and the alert resolved' });

    const { runs } = await readScheduleRuns({ conn: 'main', queue: 'report', schedulerId: 'watch-me' });
    // The run that waited for the worker: enqueued before it was due, started and finished after.
    const ran = (await waitFor(async () => {
      await round();
      const latest = (await readScheduleRuns({ conn: 'main', queue: 'report', schedulerId: 'watch-me' })).runs;
      return latest.find((r) => r.outcome === 'completed');
    }, { timeout: 30_000, what: 'a completed run in the history' }))!;
    expect(ran.jobId).toBe(`repeat:watch-me:${ran.due}`);
    expect(ran.enqueuedAt).toBeLessThanOrEqual(ran.due);
    expect(ran.startedAt).toBeGreaterThanOrEqual(ran.due);
    expect(ran.finishedAt).toBeGreaterThanOrEqual(ran.startedAt!);
    // The due times nothing ran for while the worker was down are recorded as missed.
    expect(runs.some((r) => r.outcome === 'missed' && r.jobId === null)).toBe(true);
    // Newest first, one row per due time.
    const dues = runs.map((r) => r.due);
    expect(dues).toEqual([...dues].sort((a, b) => b - a));
    expect(new Set(dues).size).toBe(dues.length);
  });

  it('does not read Drover’s own delete as gone; a scheduler removed behind its back is gone until forgotten', async () => {
    await queue.upsertJobScheduler('behind-back', { pattern: '0 0 1 1 *', tz: 'UTC' }, template);
    await round();
    expect(await record('behind-back')).toMatchObject({ status: 'ok' });
    await queue.removeJobScheduler('behind-back');
    await deleteSchedule(ctxAs('operator'), { conn: 'main', queue: 'report', schedulerId: 'watch-me' });
    await round();
    expect(await record('watch-me')).toBeNull();
    expect(await record('behind-back')).toMatchObject({ status: 'gone' });
    const listed = (await listSchedules({ queue: 'main/report' })).schedules;
    expect(listed.find((s) => s.id === 'behind-back')).toMatchObject({ state: 'gone', health: { status: 'gone' } });
    expect(listed.some((s) => s.id === 'watch-me')).toBe(false);

    // An unknown queue is a precise 404, not an empty history.
    await expect(readScheduleRuns({ conn: 'main', queue: 'no-such-queue', schedulerId: 'x' })).rejects.toMatchObject({ status: 404, message: expect.stringContaining('no-such-queue') });

    await scheduleOperations.forgetSchedule.run(ctxAs('operator'), { params: { conn: 'main', queue: 'report', schedulerId: 'behind-back' }, query: undefined, body: undefined });
    expect(await record('behind-back')).toBeNull();
    await round();
    expect(await record('behind-back')).toBeNull();
  });
  it('after a gap longer than the count cap, the history records the newest runs of the gap, not the ones just past the cap', async () => {
    const MINUTE = 60_000;
    const gap = store.queue('gap');
    await gap.upsertJobScheduler('long-gap', { every: MINUTE }, { name: 'tick', data: {} });
    const next = (await waitFor(async () => (await gap.getJobScheduler('long-gap'))?.next, { what: 'the scheduler’s next run' }))!;
    await round(next);
    const seen = (await record('long-gap', 'gap'))!;
    // As if the last round had seen a pending run 2,000 runs ago (twice the cap).
    const before = next - 2000 * MINUTE;
    await scheduleWatchStore().saveWatch('main', [[watchField('gap', 'long-gap'), JSON.stringify({ ...seen, next: before })]], []);
    await round(next);
    const dues = (await readScheduleRuns({ conn: 'main', queue: 'gap', schedulerId: 'long-gap' })).runs.map((r) => r.due);
    const newest = Array.from({ length: 10 }, (_, i) => next - (i + 1) * MINUTE);
    expect(dues).toEqual(expect.arrayContaining(newest));
    expect(dues.filter((d) => d !== before && d < next - 10 * MINUTE)).toEqual([]);
    await obliterateQueue(ctxAs('admin'), { conn: 'main', queue: 'gap' }, { confirm: 'gap', force: true });
  });

  it('a paused queue’s schedulers are not missed; a live scheduler cannot be forgotten; obliterating the queue through Drover forgets its schedulers', async () => {
    const quiet = store.queue('quiet');
    await quiet.upsertJobScheduler('tick', { every: EVERY_MS }, { name: 'tick', data: {} });
    const next = (await waitFor(async () => (await quiet.getJobScheduler('tick'))?.next, { what: 'the scheduler’s next run' }))!;
    await round(next + GRACE_MS + 1);
    expect(await record('tick', 'quiet')).toMatchObject({ status: 'missed' });
    // Forgetting a scheduler that still exists would only silence its alert until the next round.
    await expect(scheduleOperations.forgetSchedule.run(ctxAs('operator'), { params: { conn: 'main', queue: 'quiet', schedulerId: 'tick' }, query: undefined, body: undefined })).rejects.toMatchObject({ status: 409 });

    // Paused by the operator: nothing runs by choice, so nothing is missed.
    await quiet.pause();
    await round(next + GRACE_MS + 2);
    expect(await record('tick', 'quiet')).toMatchObject({ status: 'ok', missedCount: 0 });
    await quiet.resume();
    await round(next + GRACE_MS + 3);
    expect(await record('tick', 'quiet')).toMatchObject({ status: 'missed' });

    // A queue whose name holds a line break is not watched: its "<queue>\n<id>" field would split wrongly.
    const odd = store.queue('quiet\nodd');
    await odd.upsertJobScheduler('tick', { every: EVERY_MS }, { name: 'tick', data: {} });
    await round(next + GRACE_MS + 4);
    expect([...(await scheduleWatchStore().watched('main')).keys()].filter((f) => f.startsWith('quiet\nodd'))).toEqual([]);
    await odd.removeJobScheduler('tick');

    // Obliterated through Drover: its schedulers went by Drover's hand, never "gone".
    await obliterateQueue(ctxAs('admin'), { conn: 'main', queue: 'quiet' }, { confirm: 'quiet', force: true });
    expect(await record('tick', 'quiet')).toBeNull();
    await round();
    expect(await record('tick', 'quiet')).toBeNull();
  });

  it('a run whose job starts after the queue’s wait objective is late although within the grace period; a queue without one is judged by the grace period', async () => {
    // A grace period far above any delay a loaded machine adds: only the objective can make a run late here.
    process.env.DROVER_SCHEDULE_GRACE_MS = '600000';
    try {
      const dueAt = new Map<string, number>();
      for (const name of ['late-obj', 'late-plain']) {
        const q = store.queue(name);
        await q.upsertJobScheduler('minutely', { every: 60_000 }, { name: 'tick', data: {} });
        dueAt.set(name, (await waitFor(async () => (await q.getJobScheduler('minutely'))?.next, { what: `${name}’s first run` }))!);
      }
      await discoverQueues(getConnection('main'), { refresh: true });
      await setObjectives(ctxAs('operator'), { conn: 'main', queue: 'late-obj' }, { waitP95Ms: 200, windowMinutes: 15 });
      await round();
      // Each first run starts at least 400 ms after its due time (a time, so the wait is that time).
      const latest = Math.max(...dueAt.values());
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, latest + 400 - Date.now())));
      for (const name of ['late-obj', 'late-plain']) {
        const worker = store.worker(name, async () => 'ok');
        try {
          await waitFor(async () => (await store.queue(name).getJobScheduler('minutely'))?.next !== dueAt.get(name), { what: `${name}’s first run taken` });
          await waitFor(async () => (await store.queue(name).getCompletedCount()) === 1, { what: `${name}’s first run completed` });
        } finally {
          await worker.close();
        }
      }
      await round();
      const late = await record('minutely', 'late-obj');
      expect(late).toMatchObject({ status: 'late' });
      expect(late!.lateByMs).toBeGreaterThanOrEqual(400);
      expect(await record('minutely', 'late-plain')).toMatchObject({ status: 'ok', lateByMs: null });
    } finally {
      process.env.DROVER_SCHEDULE_GRACE_MS = String(GRACE_MS);
      for (const name of ['late-obj', 'late-plain']) await store.queue(name).removeJobScheduler('minutely');
    }
  });
});

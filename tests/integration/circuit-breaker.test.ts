// Circuit breakers (README › Circuit breakers) against real stores and real worker processes: a receiver
// that fails every request for 20 s then recovers opens its circuit after the threshold; while open no
// job to it is attempted (only one probe per cool-down), none loses an attempt, a healthy receiver's jobs
// keep flowing, a probe closes it, and every job completes exactly once. Both stores.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker, createPostgresBackend, type Job } from 'bullmq';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/stores';
import { consoleForThisFile, producerQueue, type TestConsole } from '../helpers/console-store';
import { killIfRunning, spawnWorkers, startHttpPeer, waitFor, type PeerRequest, type SpawnedWorkers } from '../helpers/workers';
import { getConnection } from '@/lib/redis/connections';
import { applyOutcome, holdsJobs, CIRCUIT_HELD_IDLE_MS, CIRCUIT_RECORDS_MAX, CIRCUIT_TTL_MS, CIRCUITS_LIST_MAX, parseCircuit, resetRecord } from '@/lib/circuits/circuit';
import type { CircuitRecords } from '@/lib/store/circuit-records';
import { RedisCircuitRecords } from '@/lib/store/redis/circuit-records';
import { PostgresCircuitRecords } from '@/lib/store/postgres/circuit-records';
import { DroverDb } from '@/lib/store/postgres/drover-db';
import { DROVER_SCHEMA_VERSION, migrateDroverSchema } from '@/lib/store/postgres/drover-schema';
import { CIRCUITS_HELD_DDL } from '@/lib/store/postgres/ddl/circuits-held';
import { KEYS } from '@/lib/keys';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { MAX_REQUEUES } from '@/workers/runtime/drover-worker';
import { CircuitBreaker } from '@/workers/runtime/circuit-breaker';
import { isLostJobError } from '@/workers/failures';
import { workerOperations as ops } from '@/lib/operations/workers';
import { principalWithAccess } from '@/lib/auth/principal';
import { sampleOnce } from '@/lib/metrics/sampler';
import { evaluateAlerts, resetAlertCache } from '@/lib/alerts/evaluate-alerts';
import { createAlertRule } from '@/lib/alerts/create-alert-rule';
import { deleteAlertRule } from '@/lib/alerts/delete-alert-rule';
import type { Circuits } from '@/lib/circuits/schemas';
import { actor, ctxAs } from '../helpers/console-env';
import { callOperation, refusal } from '../helpers/operations';
import { lastAudit } from '../helpers/audit';

const FAILURES = 3;
const COOLDOWN_MS = 2_000;
const MAX_COOLDOWN_MS = 4_000;
const OUTAGE_MS = 20_000;
const JOBS_PER_HOST = 30;
/** The webhook kind's concurrency (lib/job-kinds/webhook.ts), per process. */
const WEBHOOK_CONCURRENCY = 10;
const PROCESSES = 2;

const closables: Array<{ close: () => Promise<unknown> }> = [];
const runtimes: Runtime[] = [];
const spawned: SpawnedWorkers[] = [];
afterEach(async () => {
  spawned.splice(0).forEach((w) => killIfRunning(w.child));
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
  await Promise.all(closables.splice(0).map((c) => c.close().catch(() => {})));
});
afterAll(() => spawned.forEach((w) => killIfRunning(w.child)));

function queueOn(server: TestConsole, name: string): Queue {
  const q = producerQueue(server, name);
  closables.push(q);
  return q;
}

/**
 * A receiver the test answers by hand: each request waits in `pending` (by path) until the test
 * replies, so the test decides what happens when, not a timer.
 */
async function startManualPeer() {
  const pending: Array<{ path: string; reply: (status: number, headers?: Record<string, string>) => void }> = [];
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(req.url ?? '');
      pending.push({ path: req.url ?? '', reply: (status, headers) => res.writeHead(status, headers).end('') });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** Replies to the oldest request waiting on `path` (waits for one to arrive). */
  const answer = async (path: string, status: number, headers?: Record<string, string>) => {
    const i = await waitFor(() => {
      const at = pending.findIndex((p) => p.path === path);
      return at >= 0 ? at + 1 : undefined;
    }, `a request to ${path}`, 60_000);
    pending.splice(i - 1, 1)[0].reply(status, headers);
  };
  return { url, seen, answer, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

/** The job id in a request's X-Drover-Delivery ("<jobId>-<timestamp base 36>"). */
const jobOf = (r: PeerRequest) => String(r.headers['x-drover-delivery']).replace(/-[0-9a-z]+$/, '');

const circuitOf = async (destination: string) => parseCircuit((await getConnection('console').records.circuits.readCircuit(destination)).json);

describe.each(STORE_KINDS)('circuit breakers on %s', { timeout: 600_000 }, (kind) => {
  const server = consoleForThisFile(kind);

  it('a receiver failing for 20 s: opens after the threshold, nothing but probes reach it while open, no attempt lost, the other receiver flows, a probe closes it, every job completes once', async () => {
    let firstFailureAt: number | undefined;
    let recovered = false;
    const failing = await startHttpPeer(() => {
      if (recovered) return { status: 200, body: 'ok' };
      firstFailureAt ??= Date.now();
      return { status: 503, body: 'down for maintenance' };
    });
    const healthy = await startHttpPeer(() => ({ status: 200, body: 'ok', delayMs: 20 }));
    closables.push(failing, healthy);
    // The circuit's name: scheme, host and port of the receiver (workers/runtime/circuit-destination.ts).
    const destinationA = failing.url;
    const env = {
      DROVER_CONFIG: process.env.DROVER_CONFIG,
      DROVER_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'drover-circuits-')),
      WEBHOOK_SECRET: 's',
      DROVER_EGRESS_ALLOW: '127.0.0.1',
      DROVER_CIRCUIT_FAILURES: String(FAILURES),
      DROVER_CIRCUIT_COOLDOWN_MS: String(COOLDOWN_MS),
      DROVER_CIRCUIT_MAX_COOLDOWN_MS: String(MAX_COOLDOWN_MS),
    };
    // The producer's side creates BullMQ's schema (PostgreSQL) before the workers start.
    const webhook = queueOn(server, 'webhook');
    await webhook.waitUntilReady();
    const processes = Array.from({ length: PROCESSES }, () => spawnWorkers(['webhook'], env));
    spawned.push(...processes);
    await Promise.all(processes.map((w) => w.waitForLog((l) => l.event === 'workers.ready', 'workers ready')));

    const opts = { attempts: 10, backoff: { type: 'fixed', delay: 100 } };
    const toA: Job[] = [];
    const toB: Job[] = [];
    for (let i = 0; i < JOBS_PER_HOST; i++) {
      toA.push(await webhook.add('deliver', { url: `${failing.url}/a`, payload: { i } }, opts));
      toB.push(await webhook.add('deliver', { url: `${healthy.url}/b`, payload: { i } }, opts));
    }
    const logs = () => processes.flatMap((w) => w.logs);

    // Opens after the threshold.
    const opened = await waitFor(() => logs().find((l) => l.event === 'circuit.opened' && l.destination === destinationA), 'the circuit opened', 60_000);
    const open = await circuitOf(destinationA);
    expect(open?.state).not.toBe('closed');
    expect(open?.recent[0]?.error).toContain('503');

    // The healthy receiver's jobs all complete during the outage.
    await waitFor(async () => (await Promise.all(toB.map((j) => webhook.getJobState(j.id!)))).every((s) => s === 'completed'), 'the healthy receiver’s jobs completed', 120_000);
    expect(recovered).toBe(false);
    // A failed probe re-opens it with a longer cool-down; the outage lasts 20 s from its first failure.
    await waitFor(() => logs().some((l) => l.event === 'circuit.reopened' && l.destination === destinationA), 'a failed probe', 60_000);
    await waitFor(() => firstFailureAt !== undefined && Date.now() - firstFailureAt >= OUTAGE_MS, 'the 20 s outage over', 60_000);
    const requestsInOutage = failing.requests.length;
    const probesInOutage = logs().filter((l) => l.event === 'circuit.probe' && l.destination === destinationA).length;
    recovered = true;

    // A probe closes it; every job completes.
    await waitFor(() => logs().some((l) => l.event === 'circuit.closed' && l.destination === destinationA), 'the circuit closed by a probe', 60_000);
    await waitFor(async () => (await Promise.all(toA.map((j) => webhook.getJobState(j.id!)))).every((s) => s === 'completed'), 'every job to the recovered receiver completed', 120_000);
    expect((await circuitOf(destinationA))?.state).toBe('closed');

    // While open, only probes reached the receiver: the requests of the outage are the ones let through
    // before the circuit opened (at most the threshold plus what both processes had in flight when it
    // flipped) and one per probe.
    const openedAt = Number(opened.time);
    expect(probesInOutage).toBeGreaterThanOrEqual(2);
    // At most one probe per cool-down (2 s, then 4 s) over the outage after opening, plus the closing one.
    expect(probesInOutage).toBeLessThanOrEqual(Math.ceil(OUTAGE_MS / COOLDOWN_MS) + 1);
    const beforeOpen = failing.requests.slice(0, requestsInOutage).filter((r) => r.at <= openedAt).length;
    expect(requestsInOutage - beforeOpen).toBeLessThanOrEqual(probesInOutage + PROCESSES * WEBHOOK_CONCURRENCY);
    expect(beforeOpen).toBeLessThanOrEqual(FAILURES + PROCESSES * WEBHOOK_CONCURRENCY);
    // Exactly: every request after the flip's in-flight ones was a probe.
    expect(requestsInOutage).toBeLessThanOrEqual(FAILURES + PROCESSES * WEBHOOK_CONCURRENCY + probesInOutage);

    // No attempt lost, each delivered exactly once: a job's attempts (BullMQ counts the completing one
    // too) are exactly the 503s its delivery got plus its one 200 — the skips while open used none.
    const byJob = new Map<string, { failed: number; ok: number }>();
    failing.requests.forEach((r, i) => {
      const entry = byJob.get(jobOf(r)) ?? { failed: 0, ok: 0 };
      if (i < requestsInOutage) entry.failed += 1;
      else entry.ok += 1;
      byJob.set(jobOf(r), entry);
    });
    for (const job of toA) {
      const done = (await webhook.getJob(job.id!))!;
      const seen = byJob.get(job.id!) ?? { failed: 0, ok: 0 };
      expect({ id: job.id, attemptsMade: done.attemptsMade }).toEqual({ id: job.id, attemptsMade: seen.failed + 1 });
    }
    // Requests answered 200 after recovery: one per job, except a probe that was in flight at the flip.
    const oks = [...byJob.values()].reduce((a, b) => a + b.ok, 0);
    expect(oks).toBeGreaterThanOrEqual(JOBS_PER_HOST);
    expect([...byJob.entries()].filter(([, e]) => e.ok !== 1)).toEqual([]);
    const healthyJobs = new Map<string, number>();
    for (const r of healthy.requests) healthyJobs.set(jobOf(r), (healthyJobs.get(jobOf(r)) ?? 0) + 1);
    expect(healthyJobs.size).toBe(JOBS_PER_HOST);
    expect([...healthyJobs.values()].every((n) => n === 1)).toBe(true);
    expect(await webhook.getFailedCount()).toBe(0);
  });

  describe('the rate-limit requeue cap', () => {
    const policy = { failures: 1, failureRatePercent: 100, windowMs: 60_000, minVolume: 1000, cooldownMs: 150, maxCooldownMs: 150 };
    async function inProcessRuntime(): Promise<Runtime> {
      process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
      const { processors } = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
      const runtime = await startRuntime({
        connection: getConnection('console').config,
        kinds: selectKinds(['webhook'], processors),
        settings: { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 2_000 },
        logger: createWorkerLogger({}, { write: () => {} }),
        workerName: 'drover@circuit-cap:1',
        schedulers: false,
        cancellation: false,
        deadLetters: false,
        heartbeat: false,
        control: false,
        circuits: { enabled: true, policy },
      });
      runtimes.push(runtime);
      return runtime;
    }

    it(`is not used up by circuit skips: a job held back more than ${MAX_REQUEUES} times still gets its 429 delayed, not failed`, async () => {
      const peer = await startManualPeer();
      closables.push(peer);
      const webhook = queueOn(server, 'webhook');
      await webhook.waitUntilReady();
      await inProcessRuntime();
      // Another process's probe is out: the circuit is half-open, its claim renewed 300 ms at a time (a
      // real probe's claim is its timeout + 5 s, and held jobs now wait for all of it: too slow to skip
      // J 20 times here). J is held back again and again, each time after the claim + up to 1 s.
      const circuits = getConnection('console').records.circuits;
      const holdHalfOpen = async () => {
        const stored = await circuits.readCircuit(peer.url);
        const base = parseCircuit(stored.json) ?? resetRecord(null, stored.now, policy, 'test');
        const next = { ...base, state: 'half-open' as const, probeToken: 'elsewhere', probeUntil: stored.now + 300, changedAt: stored.now };
        await circuits.swapCircuit(peer.url, stored.version, JSON.stringify(next), 60_000);
      };
      await holdHalfOpen();
      let holding = true;
      const renewing = (async () => {
        while (holding) await Promise.all([holdHalfOpen(), new Promise((resolve) => setTimeout(resolve, 100))]);
      })();
      const j = await webhook.add('deliver', { url: `${peer.url}/j`, payload: {} }, { attempts: 1 });
      try {
        await waitFor(async () => ((await webhook.getJob(j.id!))?.attemptsStarted ?? 0) > MAX_REQUEUES + 1, `J skipped more than ${MAX_REQUEUES} times`, 120_000);
      } finally {
        holding = false;
        await renewing;
      }
      expect(peer.seen).not.toContain('/j');
      // The probe elsewhere succeeds: closed. J's first request is rate limited, its second one delivered.
      await waitFor(async () => {
        const stored = await circuits.readCircuit(peer.url);
        return (await circuits.swapCircuit(peer.url, stored.version, JSON.stringify(resetRecord(parseCircuit(stored.json), stored.now, policy, 'test')), 60_000)) === 'written';
      }, 'the circuit closed');
      await peer.answer('/j', 429, { 'Retry-After': '0' });
      // Delayed for the receiver (not failed: the skips did not use up the cap), then sent again.
      await waitFor(async () => peer.seen.filter((u) => u === '/j').length === 2 || (await webhook.getJobState(j.id!)) === 'failed', 'J sent again (or failed)', 30_000);
      expect(await webhook.getJobState(j.id!)).not.toBe('failed');
      await peer.answer('/j', 200);
      await waitFor(async () => (await webhook.getJobState(j.id!)) === 'completed', 'J completed', 30_000);
      expect((await webhook.getJob(j.id!))!.attemptsMade).toBe(1);
    });

    it('counts a failure the job would retry (408), not permanent answers (404, 410, 400)', async () => {
      const peer = await startHttpPeer((req) => ({ status: Number(req.url.slice(1)) }));
      closables.push(peer);
      const webhook = queueOn(server, 'webhook');
      await webhook.waitUntilReady();
      await inProcessRuntime();
      for (const status of [404, 410, 400]) {
        const job = await webhook.add('deliver', { url: `${peer.url}/${status}`, payload: {} }, { attempts: 3 });
        await waitFor(async () => (await webhook.getJobState(job.id!)) === 'failed', `the ${status} job failed`, 30_000);
      }
      // Three permanent failures in a row: the receiver answers, its circuit has nothing counted.
      expect(await circuitOf(peer.url)).toBeNull();
      const timeout = await webhook.add('deliver', { url: `${peer.url}/408`, payload: {} }, { attempts: 1 });
      await waitFor(async () => (await webhook.getJobState(timeout.id!)) === 'failed', 'the 408 job failed', 30_000);
      expect(await circuitOf(peer.url)).toMatchObject({ state: 'open', consecutive: 1 });
    });

    it(`still ends a receiver's endless 429s: after ${MAX_REQUEUES} rate-limit requeues the next one counts as a failure`, async () => {
      const peer = await startHttpPeer(() => ({ status: 429, headers: { 'Retry-After': '0' } }));
      closables.push(peer);
      const webhook = queueOn(server, 'webhook');
      await webhook.waitUntilReady();
      await inProcessRuntime();
      const job = await webhook.add('deliver', { url: `${peer.url}/always-429`, payload: {} }, { attempts: 1 });
      await waitFor(async () => (await webhook.getJobState(job.id!)) === 'failed', 'the job failed', 60_000);
      const failed = (await webhook.getJob(job.id!))!;
      expect({ requests: peer.requests.length, failedReason: failed.failedReason }).toEqual({ requests: MAX_REQUEUES + 1, failedReason: expect.stringContaining('429') });
      expect((await circuitOf(peer.url))).toBeNull();
    });
  });

  it('a receiver failing every 10th job at a steady pace stays closed: successes not written yet are counted with each failure, even those seen while the destination was cached clean', async () => {
    const breaker = new CircuitBreaker(getConnection('console').records.circuits, { failures: 5, failureRatePercent: 50, windowMs: 60_000, minVolume: 20, cooldownMs: 60_000, maxCooldownMs: 60_000 }, createWorkerLogger({}, { write: () => {} }));
    const destination = `https://flaky-${kind}.example:443`;
    // 100 jobs one after another, well within one success flush: before, only failures were written and
    // the circuit opened at the 50th job with 5 failures "in a row".
    for (let i = 1; i <= 100; i++) {
      expect(await breaker.admit(destination, 1_000), `job ${i}`).toEqual({ kind: 'run' });
      if (i % 10 === 0) await breaker.failure(destination, 'HTTP 503');
      else await breaker.success(destination);
    }
    const record = (await circuitOf(destination))!;
    // The 9 successes before the first failure were seen while cached clean: counted too.
    expect({ state: record.state, consecutive: record.consecutive, windowFailures: record.windowFailures, windowTotal: record.windowTotal }).toEqual({ state: 'closed', consecutive: 1, windowFailures: 10, windowTotal: 100 });
    await breaker.flush();
  });

  it('a held-back job the store will not move: a job no longer the run\'s is recognised (left alone), a store error is not (the job runs)', async () => {
    const name = `circuit-move-${kind}`;
    const queue = queueOn(server, name);
    await queue.add('send', { n: 1 });
    const worker =
      server.kind === 'redis'
        ? new Worker(name, null, { connection: { url: server.url }, autorun: false })
        : (new Worker(name, null, { connection: { connectionString: server.url }, autorun: false }, createPostgresBackend) as unknown as Worker);
    worker.on('error', () => {});
    closables.push(worker);
    const job = (await worker.getNextJob('run-token')) as Job;
    expect(job).toBeDefined();
    // Another run's token (its lock taken after a stall), then the same move again once it is delayed.
    const refusedMoves: unknown[] = [];
    await job.moveToDelayed(Date.now() + 60_000, 'another-token').catch((err) => refusedMoves.push(err));
    await job.moveToDelayed(Date.now() + 60_000, 'run-token');
    await job.moveToDelayed(Date.now() + 60_000, 'run-token').catch((err) => refusedMoves.push(err));
    expect(refusedMoves).toHaveLength(2);
    for (const err of refusedMoves) expect(isLostJobError(err), String(err)).toBe(true);
    expect(await queue.getJobState(job.id!)).toBe('delayed');
    // What a store blip throws is not one of them: the runtime runs the job rather than fail an attempt.
    expect(isLostJobError(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe(false);
    expect(isLostJobError(new Error('Connection terminated unexpectedly'))).toBe(false);
  });

  it(`an open circuit stays listed and its alert keeps firing after more than ${CIRCUITS_LIST_MAX} other destinations fail after it (a hostile producer naming many failing hosts)`, async () => {
    await queueOn(server, 'webhook').waitUntilReady();
    const hook = await startHttpPeer(() => ({ status: 200 }));
    closables.push(hook);
    resetAlertCache();
    const rule = await createAlertRule(ctxAs('admin'), {
      name: 'circuits-flood', enabled: true, kind: 'circuit-open', connection: 'console', queue: null,
      threshold: 0, minutes: 0, cooldownMinutes: 0, webhookUrl: `${hook.url}/hook`, webhookFormat: 'json',
    });
    const evaluate = async () => {
      const now = Date.now();
      return evaluateAlerts(await sampleOnce({ now }), { now });
    };
    const policy = { failures: 3, failureRatePercent: 100, windowMs: 60_000, minVolume: 100, cooldownMs: 600_000, maxCooldownMs: 600_000 };
    const breaker = new CircuitBreaker(getConnection('console').records.circuits, policy, createWorkerLogger({}, { write: () => {} }));
    const held = `https://held-${kind}.example:443`;
    for (let i = 0; i < policy.failures; i++) await breaker.failure(held, 'HTTP 503');
    expect((await circuitOf(held))?.state).toBe('open');
    const target = `console/${held}`;
    const firing = await evaluate();
    expect(firing.transitions.filter((t) => t.target === target).map((t) => t.type)).toEqual(['firing']);

    // More failing destinations than the list shows, each changed after the open one (one failure each:
    // closed, counted).
    const flood = Array.from({ length: CIRCUITS_LIST_MAX + 50 }, (_, i) => `https://flood-${i}.hostile.example:443`);
    for (let i = 0; i < flood.length; i += 50) await Promise.all(flood.slice(i, i + 50).map((d) => breaker.failure(d, 'connect ECONNREFUSED')));

    // The alert does not resolve: it reads every open circuit, not the newest changes.
    const after = await evaluate();
    expect(after.transitions.filter((t) => t.target === target)).toEqual([]);
    const listed = await callOperation<Circuits>(ops.listCircuits, actor('viewer'), { params: { conn: 'console' } });
    expect(listed.circuits).toHaveLength(CIRCUITS_LIST_MAX);
    expect(listed.circuits.find((c) => c.destination === held)?.state).toBe('open');
    expect(listed.moreHeld).toBe(0);
    // Still held: its jobs wait.
    expect(await breaker.admit(held, 1_000)).toMatchObject({ kind: 'wait', state: 'open' });
    // This rule's receiver closes with the test: the later tests page through their own rule.
    await deleteAlertRule(ctxAs('admin'), { id: rule.id });
  });

  it('caps the records per connection atomically under concurrent swaps: open or half-open ones up to their cap (a new one beyond stays untracked: its jobs run), all records up to theirs (the oldest closed evicted, never an open one)', async () => {
    const caps = { heldMax: 5, recordsMax: 12 };
    const scope = `cap-test-${kind}`;
    let records: CircuitRecords;
    if (server.kind === 'redis') {
      records = new RedisCircuitRecords(server.redis(), scope, caps);
    } else {
      records = new PostgresCircuitRecords(new DroverDb({ pool: server.pool(), where: 'test' }), scope, caps);
    }
    const policy = { failures: 1, failureRatePercent: 100, windowMs: 60_000, minVolume: 100, cooldownMs: 600_000, maxCooldownMs: 600_000 };
    const logLines: string[] = [];
    const breaker = new CircuitBreaker(records, policy, createWorkerLogger({}, { write: (line: string) => void logLines.push(line) }));
    const readState = async (d: string) => parseCircuit((await records.readCircuit(d)).json)?.state ?? null;
    // The genuine outage: opened first.
    const genuine = 'smtp://mail.example:587';
    await breaker.failure(genuine, 'connect ECONNREFUSED');
    expect(await readState(genuine)).toBe('open');

    // Thirty new destinations open at once, all swapping concurrently: exactly heldMax - 1 more are
    // tracked, the rest are refused (untracked), none overwrites or evicts another.
    const opened = (await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const d = `https://open-${i}.hostile.example:443`;
        const stored = await records.readCircuit(d);
        const next = applyOutcome(null, { kind: 'failure', error: 'x' }, stored.now, policy)!.next;
        return [d, await records.swapCircuit(d, stored.version, JSON.stringify(next), CIRCUIT_TTL_MS)] as const;
      }),
    ));
    expect(opened.filter(([, r]) => r === 'written')).toHaveLength(caps.heldMax - 1);
    expect(opened.filter(([, r]) => r === 'full')).toHaveLength(30 - (caps.heldMax - 1));
    for (const [d, r] of opened) expect(await readState(d)).toBe(r === 'written' ? 'open' : null);
    // The runtime's side: the refused destination's job runs (nothing tracked), and a failure of it is
    // not recorded.
    const untracked = opened.find(([, r]) => r === 'full')![0];
    await breaker.failure(untracked, 'HTTP 503');
    expect(await readState(untracked)).toBeNull();
    expect(await breaker.admit(untracked, 1_000)).toEqual({ kind: 'run' });
    // One bounded warning: a second refusal within the minute is counted, not logged.
    await breaker.failure(opened.filter(([, r]) => r === 'full')[1][0], 'HTTP 503');
    const untrackedWarnings = logLines.map((l) => JSON.parse(l) as { event?: string; destination?: string }).filter((l) => l.event === 'circuit.untracked');
    expect(untrackedWarnings).toEqual([expect.objectContaining({ destination: untracked, refused: 1 })]);

    // Forty new closed destinations at once: the total stays at recordsMax, the open ones all stay.
    const policyClosed = { ...policy, failures: 100 };
    const closedBreaker = new CircuitBreaker(records, policyClosed, createWorkerLogger({}, { write: () => {} }));
    const closed = Array.from({ length: 40 }, (_, i) => `https://closed-${i}.hostile.example:443`);
    await Promise.all(closed.map((d) => closedBreaker.failure(d, 'HTTP 503')));
    const listed = await records.listCircuits(100);
    expect(listed.circuits).toHaveLength(caps.recordsMax);
    expect(listed.held).toBe(caps.heldMax);
    const states = listed.circuits.map((c) => parseCircuit(c.json)!.state);
    expect(states.slice(0, caps.heldMax).every((s) => s === 'open')).toBe(true);
    expect(states.slice(caps.heldMax).every((s) => s === 'closed')).toBe(true);
    expect(await readState(genuine)).toBe('open');
    for (const [d, r] of opened) if (r === 'written') expect(await readState(d)).toBe('open');
    // The newest closed ones are kept, the oldest evicted.
    const kept = listed.circuits.slice(caps.heldMax).map((c) => c.destination);
    expect(kept.every((d) => d.startsWith('https://closed-'))).toBe(true);
    // A listed closed circuit may not open while the open ones fill the cap (fail open: it stays closed).
    const stored = await records.readCircuit(kept[0]);
    const tripped = applyOutcome(parseCircuit(stored.json), { kind: 'failure', error: 'x' }, stored.now, policy)!.next;
    expect(tripped.state).toBe('open');
    expect(await records.swapCircuit(kept[0], stored.version, JSON.stringify(tripped), CIRCUIT_TTL_MS)).toBe('full');
    // Closing one frees a place.
    const g = await records.readCircuit(genuine);
    expect(await records.swapCircuit(genuine, g.version, JSON.stringify(resetRecord(parseCircuit(g.json), g.now, policy, 'test')), CIRCUIT_TTL_MS)).toBe('written');
    expect(await records.swapCircuit(kept[0], stored.version, JSON.stringify(tripped), CIRCUIT_TTL_MS)).toBe('written');
    expect((await records.listCircuits(100)).held).toBe(caps.heldMax);
  });

  it(`at the shipped caps: ${CIRCUIT_RECORDS_MAX + 50} new destinations after an open circuit leave ${CIRCUIT_RECORDS_MAX} records, the open one kept`, async () => {
    const scope = `cap-default-${kind}`;
    const records: CircuitRecords =
      server.kind === 'redis' ? new RedisCircuitRecords(server.redis(), scope) : new PostgresCircuitRecords(new DroverDb({ pool: server.pool(), where: 'test' }), scope);
    const policy = { failures: 1, failureRatePercent: 100, windowMs: 60_000, minVolume: 100, cooldownMs: 600_000, maxCooldownMs: 600_000 };
    const write = async (destination: string, failures: number) => {
      const stored = await records.readCircuit(destination);
      const next = applyOutcome(null, { kind: 'failure', error: 'x' }, stored.now, { ...policy, failures })!.next;
      return records.swapCircuit(destination, stored.version, JSON.stringify(next), CIRCUIT_TTL_MS);
    };
    const genuine = 'smtp://mail.example:587';
    expect(await write(genuine, 1)).toBe('written');
    const flood = Array.from({ length: CIRCUIT_RECORDS_MAX + 50 }, (_, i) => `https://flood-${i}.hostile.example:443`);
    for (let i = 0; i < flood.length; i += 50) {
      expect(new Set(await Promise.all(flood.slice(i, i + 50).map((d) => write(d, 100))))).toEqual(new Set(['written']));
    }
    const listed = await records.listCircuits(CIRCUIT_RECORDS_MAX + 100);
    expect({ records: listed.circuits.length, held: listed.held, first: listed.circuits[0].destination }).toEqual({ records: CIRCUIT_RECORDS_MAX, held: 1, first: genuine });
    expect(parseCircuit((await records.readCircuit(genuine)).json)?.state).toBe('open');
    // The oldest closed ones went, hash and all.
    expect((await records.readCircuit(flood[0])).json).toBeNull();
    expect((await records.readCircuit(flood[flood.length - 1])).json).not.toBeNull();
  });

  it(`a held slot idle longer than ${CIRCUIT_HELD_IDLE_MS / 3_600_000} h is given to a new failing destination when the held cap is full (oldest first), never one changed more recently`, async () => {
    const caps = { heldMax: 3, recordsMax: 10 };
    const scope = `idle-test-${kind}`;
    const records: CircuitRecords =
      server.kind === 'redis' ? new RedisCircuitRecords(server.redis(), scope, caps) : new PostgresCircuitRecords(new DroverDb({ pool: server.pool(), where: 'test' }), scope, caps);
    const policy = { failures: 1, failureRatePercent: 100, windowMs: 60_000, minVolume: 100, cooldownMs: 600_000, maxCooldownMs: 600_000 };
    const open = async (destination: string) => {
      const stored = await records.readCircuit(destination);
      const next = applyOutcome(parseCircuit(stored.json), { kind: 'failure', error: 'x' }, stored.now, policy)!.next;
      return records.swapCircuit(destination, stored.version, JSON.stringify(next), CIRCUIT_TTL_MS);
    };
    // Last changed `ms` ago by the store's clock (as if nothing had changed them since).
    const age = async (destination: string, ms: number) => {
      if (server.kind === 'redis') {
        const [s, us] = await server.redis().time();
        await server.redis().zadd(KEYS.circuitHeldIndex(scope), Number(s) * 1000 + Math.floor(Number(us) / 1000) - ms, destination);
      } else {
        await server.pool().query(`UPDATE drover.circuit SET changed_at = changed_at - $3 WHERE schema_name = $1 AND destination = $2`, [scope, destination, ms]);
      }
    };
    const stateOf = async (d: string) => parseCircuit((await records.readCircuit(d)).json)?.state ?? null;
    // A hostile producer's three circuits, then nothing more from it.
    for (const d of ['https://a.hostile.example:443', 'https://b.hostile.example:443', 'https://c.hostile.example:443']) expect(await open(d)).toBe('written');
    await age('https://a.hostile.example:443', CIRCUIT_HELD_IDLE_MS + 120_000);
    await age('https://b.hostile.example:443', CIRCUIT_HELD_IDLE_MS + 60_000);
    // Just inside the idle limit: kept.
    await age('https://c.hostile.example:443', CIRCUIT_HELD_IDLE_MS - 60_000);

    expect(await open('https://real-1.example:443')).toBe('written');
    expect(await stateOf('https://a.hostile.example:443')).toBeNull();
    expect(await stateOf('https://b.hostile.example:443')).toBe('open');
    expect(await open('https://real-2.example:443')).toBe('written');
    expect(await stateOf('https://b.hostile.example:443')).toBeNull();
    // Nothing idle is left: the next one is refused, the recent ones stay.
    expect(await open('https://real-3.example:443')).toBe('full');
    for (const d of ['https://c.hostile.example:443', 'https://real-1.example:443', 'https://real-2.example:443']) expect(await stateOf(d), d).toBe('open');
    const listed = await records.listCircuits(100);
    expect({ held: listed.held, destinations: listed.circuits.map((c) => c.destination).sort() }).toEqual({
      held: 3,
      destinations: ['https://c.hostile.example:443', 'https://real-1.example:443', 'https://real-2.example:443'],
    });
  });

  if (kind === 'postgres') it('migration 12 marks held rows without reading records as jsonb (a lone surrogate escape, \\u0000), and runs again harmlessly', async () => {
    const pool = server.pool();
    await migrateDroverSchema(pool, 'test');
    // Back to version 11: what migrations 12 and 13 added goes.
    await pool.query(`DROP TABLE drover.alert_channel_test`);
    await pool.query(`DROP INDEX drover.circuit_held_idx, drover.circuit_closed_idx`);
    await pool.query(`ALTER TABLE drover.circuit DROP COLUMN held`);
    await pool.query(`DELETE FROM drover.migration WHERE version >= 12`);
    const policy = { failures: 1, failureRatePercent: 100, windowMs: 60_000, minVolume: 100, cooldownMs: 600_000, maxCooldownMs: 600_000 };
    const now = Date.now();
    // What an earlier Drover wrote: an error cut inside a surrogate pair, and a NUL from a receiver's body.
    const opened = applyOutcome(null, { kind: 'failure', error: `HTTP 500: ${'x'.repeat(10)}\ud83d` }, now, policy)!.next;
    const hostile = JSON.stringify({ ...opened, recent: [{ at: now, error: 'HTTP 500: a\u0000b "state":"closed"' }, ...opened.recent] });
    expect(hostile).toContain('\\ud83d');
    expect(hostile).toContain('\\u0000');
    const closed = JSON.stringify(applyOutcome(null, { kind: 'failure', error: 'HTTP 500: \ud83d' }, now, { ...policy, failures: 5 })!.next);
    const rows: Array<[string, string]> = [['https://hostile.example:443', hostile], ['https://closed.example:443', closed], ['https://garbage.example:443', 'not json']];
    for (const [destination, record] of rows) {
      await pool.query(`INSERT INTO drover.circuit (schema_name, destination, version, record, changed_at) VALUES ('mig-12', $1, 1, $2, $3)`, [destination, record, now]);
    }
    await expect(pool.query(`SELECT record::jsonb FROM drover.circuit WHERE schema_name = 'mig-12' AND destination = 'https://hostile.example:443'`)).rejects.toThrow();

    expect(await migrateDroverSchema(pool, 'test')).toEqual({ from: 11, to: DROVER_SCHEMA_VERSION });
    const held = await pool.query<{ destination: string; held: boolean }>(`SELECT destination, held FROM drover.circuit WHERE schema_name = 'mig-12' ORDER BY destination`);
    // Unreadable records count as closed (holdsJobs).
    expect(held.rows.map((r) => [r.destination, r.held])).toEqual([['https://closed.example:443', false], ['https://garbage.example:443', false], ['https://hostile.example:443', true]]);
    expect(rows.map(([, record]) => holdsJobs(record))).toEqual([true, false, false]);
    // Idempotent: run again (a process that died between its statements and the ledger row).
    await pool.query(CIRCUITS_HELD_DDL);
    const indexes = await pool.query<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'drover' AND tablename = 'circuit' ORDER BY 1`);
    expect(indexes.rows.map((r) => r.name)).toEqual(['circuit_changed_idx', 'circuit_closed_idx', 'circuit_held_idx', 'circuit_pkey']);
  });

  it('the console lists each circuit, an operator resets it (audited), a scoped operator may not, and a circuit-open alert fires and resolves', async () => {
    process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
    // A connection with a queue (PostgreSQL: BullMQ's schema) is one the sampler reads as up.
    await queueOn(server, 'webhook').waitUntilReady();
    const hook = await startHttpPeer(() => ({ status: 200 }));
    closables.push(hook);
    resetAlertCache();
    await createAlertRule(ctxAs('admin'), {
      name: 'circuits', enabled: true, kind: 'circuit-open', connection: 'console', queue: null,
      threshold: 0, minutes: 0, cooldownMinutes: 0, webhookUrl: `${hook.url}/hook`, webhookFormat: 'json',
    });
    const evaluate = async () => {
      const now = Date.now();
      await evaluateAlerts(await sampleOnce({ now }), { now });
    };
    const bodies = () => hook.requests.map((r) => JSON.parse(r.body) as { state: string; kind: string; target?: string; text?: string; message?: string });
    // The runtime's own breaker opens the circuit of an SMTP server (its errors carry the password).
    const breaker = new CircuitBreaker(getConnection('console').records.circuits, { failures: 2, failureRatePercent: 100, windowMs: 60_000, minVolume: 100, cooldownMs: 60_000, maxCooldownMs: 60_000 }, createWorkerLogger({}, { write: () => {} }));
    const smtp = 'smtp://mail.example:587';
    await breaker.failure(smtp, 'connect ECONNREFUSED via smtp://drover:hunter2@mail.example:587');
    await breaker.failure(smtp, 'connect ECONNREFUSED via smtp://drover:hunter2@mail.example:587');
    expect(await breaker.admit(smtp, 1_000)).toMatchObject({ kind: 'wait', state: 'open' });

    const listed = await callOperation<Circuits>(ops.listCircuits, actor('viewer'), { params: { conn: 'console' } });
    const circuit = listed.circuits.find((c) => c.destination === smtp)!;
    expect(circuit).toMatchObject({ state: 'open', consecutive: 2, probeInFlight: false });
    expect(circuit.nextProbeAt! - listed.now).toBeGreaterThan(50_000);
    expect(circuit.recent).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain('hunter2');

    // Earlier tests of this file leave circuits of their own receivers on the connection (open or
    // half-open): the rule pages for those too, so this test reads only the SMTP circuit's notifications.
    const mine = () => bodies().filter((b) => b.target === `console/${smtp}`);
    await evaluate();
    await waitFor(() => mine().some((b) => b.state === 'firing'), 'the circuit-open alert');
    expect(mine()).toHaveLength(1);
    expect(mine()[0]).toMatchObject({ state: 'firing', kind: 'circuit-open' });

    // A scoped operator (not operator on every queue of the connection) may not reset it.
    const scoped = principalWithAccess({ kind: 'session', id: 'scoped-op@test', name: 'scoped-op@test' }, { global: null, grants: [{ connection: 'console', queue: 'webhook', role: 'operator' }, { connection: 'console', queue: 'email', role: 'viewer' }] });
    const refused = await refusal(callOperation(ops.resetCircuit, scoped, { params: { conn: 'console' }, body: { destination: smtp } }));
    expect(refused).toMatchObject({ status: 403 });
    // Nor may a viewer of some queues only read them: the recent failures quote every team's receivers.
    const scopedViewer = principalWithAccess({ kind: 'session', id: 'scoped-viewer@test', name: 'scoped-viewer@test' }, { global: null, grants: [{ connection: 'console', queue: 'webhook', role: 'viewer' }] });
    expect(await refusal(callOperation(ops.listCircuits, scopedViewer, { params: { conn: 'console' } }))).toMatchObject({ status: 403 });
    expect((await callOperation<Circuits>(ops.listCircuits, actor('viewer'), { params: { conn: 'console' } })).circuits.find((c) => c.destination === smtp)?.state).toBe('open');

    const reset = await callOperation<{ message: string }>(ops.resetCircuit, actor('operator'), { params: { conn: 'console' }, body: { destination: smtp } });
    expect(reset.message).toContain('closed');
    expect(await lastAudit()).toMatchObject({ action: 'circuit.reset', outcome: 'ok', connection: 'console', actor: 'operator@test', params: { destination: smtp } });
    const after = (await callOperation<Circuits>(ops.listCircuits, actor('viewer'), { params: { conn: 'console' } })).circuits.find((c) => c.destination === smtp)!;
    expect(after).toMatchObject({ state: 'closed', consecutive: 0, resetBy: 'operator@test' });
    // Closed: the next job runs.
    expect(await new CircuitBreaker(getConnection('console').records.circuits, breaker.policy, createWorkerLogger({}, { write: () => {} })).admit(smtp, 1_000)).toEqual({ kind: 'run' });
    // An unknown destination is a 404, not a silent no-op.
    expect(await refusal(callOperation(ops.resetCircuit, actor('operator'), { params: { conn: 'console' }, body: { destination: 'https://nowhere.example:443' } }))).toMatchObject({ status: 404 });

    await evaluate();
    await waitFor(() => mine().some((b) => b.state === 'resolved'), 'the alert resolved');
    expect(mine().map((b) => b.state)).toEqual(['firing', 'resolved']);
  });
});

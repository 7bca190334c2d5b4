// The per-job attempt history (lib/attempts) on both stores: batching, cap and expiry, stalled inference,
// reused ids. Written through the connection's records (Connection.records: its Redis, or schema
// "drover" of its PostgreSQL database), read as the job page reads it.
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { waitFor } from '../helpers/workers';
import { AttemptRecorder, ATTEMPTS_CAP, ATTEMPTS_TTL_MS, recordAttemptEnd, recordAttemptStart, type AttemptRef } from '@/lib/attempts';
import { readJobAttempts } from '@/lib/attempts/read-attempts';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import type { ConnectionRecords } from '@/lib/store/connection-records';

const run = (jobId: string, attempt: number, extra: Partial<AttemptRef> = {}): AttemptRef => ({
  queue: 'history',
  jobId,
  attempt,
  startedAt: 1_700_000_000_000 + attempt * 1000,
  worker: `drover@host:${100 + attempt}`,
  ...extra,
});

describe.each(STORE_KINDS)('attempt history on %s', (kind) => {
  let store: TestStore;
  let queue: Queue;
  let records: ConnectionRecords;
  const read = (jobId: string) => readJobAttempts(getConnection('main'), 'history', jobId);
  const raw = async (jobId: string) => (await records.attemptLists('history', [jobId], 100))[0] ?? [];
  /** Milliseconds until the history expires, in the store itself. */
  const ttlOf = async (jobId: string): Promise<number> => {
    if (kind === 'redis') return getConnection('main').redis.pttl(KEYS.jobAttempts('bull', 'history', jobId));
    const { rows } = await getConnection('main').pg.query<{ at: string }>(`SELECT max(expires_at)::text AS at FROM drover.job_attempt WHERE queue = 'history' AND job_id = $1`, [jobId]);
    return Number(rows[0]!.at) - Date.now();
  };
  /** Holds a job active (a worker's lock on it) until the returned function is called (the worker then stops). */
  const holdActive = async (): Promise<{ jobId: string; timestamp: number; release: () => Promise<void> }> => {
    let resolve!: () => void;
    const held = new Promise<void>((r) => (resolve = r));
    const job = await queue.add('x', {});
    const worker = store.worker('history', () => held, { lockDuration: 30_000 });
    await waitFor(async () => (await queue.getJobState(job.id!)) === 'active', 'the job active');
    return { jobId: job.id!, timestamp: job.timestamp, release: async () => (resolve(), await worker.close()) };
  };

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
    queue = store.queue('history');
    records = getConnection('main').records;
  });
  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('replaces a run’s "running" record with its end, newest first, and refreshes a 14-day expiry', async () => {
    const { jobId, timestamp, release } = await holdActive();
    const first = run(jobId, 1, { jobTimestamp: timestamp });
    const second = run(jobId, 2, { jobTimestamp: timestamp });
    await recordAttemptStart(records, first);
    await recordAttemptEnd(records, first, { endedAt: first.startedAt + 5, outcome: 'failed', error: 'boom' });
    await recordAttemptStart(records, second);
    // The second run is active: a worker holds the job's lock.
    expect(await read(jobId)).toEqual([
      { attempt: 2, startedAt: second.startedAt, worker: 'drover@host:102', outcome: 'running', jobTimestamp: timestamp },
      { attempt: 1, startedAt: first.startedAt, endedAt: first.startedAt + 5, worker: 'drover@host:101', outcome: 'failed', error: 'boom', jobTimestamp: timestamp },
    ]);
    const ttl = await ttlOf(jobId);
    expect(ttl).toBeGreaterThan(ATTEMPTS_TTL_MS - 0.1 * 24 * 3600 * 1000);
    expect(ttl).toBeLessThanOrEqual(ATTEMPTS_TTL_MS);
    await release();
  });

  it('reads a run that never ended as stalled: superseded, or its lock gone', async () => {
    const job = await queue.add('x', {});
    const killed = run(job.id!, 1);
    const orphan = run(job.id!, 2);
    await recordAttemptStart(records, killed);
    await recordAttemptStart(records, orphan);
    const outcomes = (await read(job.id!)).map((a) => [a.attempt, a.outcome]);
    // No lock for run 2 (its worker died too) and the job has not finished.
    expect(outcomes).toEqual([
      [2, 'stalled'],
      [1, 'stalled'],
    ]);
  });

  it('keeps the last 25 runs', async () => {
    const recorder = new AttemptRecorder(records);
    for (let i = 1; i <= 30; i++) {
      const ref = run('many', i);
      recorder.start(ref);
      recorder.end(ref, { endedAt: ref.startedAt + 1, outcome: 'failed', error: `try ${i}` });
    }
    await recorder.flush();
    const attempts = await read('many');
    expect(attempts).toHaveLength(ATTEMPTS_CAP);
    expect(attempts[0]).toMatchObject({ attempt: 30, error: 'try 30' });
    expect(attempts.at(-1)).toMatchObject({ attempt: 6 });
    expect(await raw('many')).toHaveLength(ATTEMPTS_CAP);
  });

  it('keeps the last 25 runs when several recorders write one job’s history at once', async () => {
    const recorders = Array.from({ length: 4 }, () => new AttemptRecorder(records));
    for (let i = 1; i <= 40; i++) {
      const ref = run('crowded', i);
      recorders[i % 4].start(ref);
      recorders[i % 4].end(ref, { endedAt: ref.startedAt + 1, outcome: 'completed' });
    }
    await Promise.all(recorders.map((r) => r.flush()));
    // One more write trims what concurrent writers left past the cap; the read never shows more.
    expect((await read('crowded')).length).toBeLessThanOrEqual(ATTEMPTS_CAP);
    const last = run('crowded', 41);
    await recordAttemptStart(records, last);
    await recordAttemptEnd(records, last, { endedAt: last.startedAt + 1, outcome: 'completed' });
    expect(await raw('crowded')).toHaveLength(ATTEMPTS_CAP);
    expect((await read('crowded'))[0]).toMatchObject({ attempt: 41, outcome: 'completed' });
  });

  it('writes a run that starts and ends within one batch once, and a long run twice', async () => {
    const recorder = new AttemptRecorder(records);
    const short = run('short', 1);
    recorder.start(short);
    recorder.end(short, { endedAt: short.startedAt + 1, outcome: 'completed' });
    await recorder.flush();
    expect(await raw('short')).toEqual([JSON.stringify({ attempt: 1, startedAt: short.startedAt, endedAt: short.startedAt + 1, worker: 'drover@host:101', outcome: 'completed' })]);
    const long = run('long', 1);
    recorder.start(long);
    await recorder.flush();
    expect(await read('long')).toMatchObject([{ outcome: 'stalled' }]);
    recorder.end(long, { endedAt: long.startedAt + 60_000, outcome: 'completed' });
    await recorder.flush();
    expect(await read('long')).toMatchObject([{ outcome: 'completed', endedAt: long.startedAt + 60_000 }]);
    expect(await raw('long')).toHaveLength(1);
  });

  it('does not show an earlier job’s runs for a reused job id', async () => {
    const old = await queue.add('x', {}, { jobId: 'invoice-42' });
    await recordAttemptStart(records, run('invoice-42', 1, { jobTimestamp: old.timestamp }));
    await recordAttemptEnd(records, run('invoice-42', 1, { jobTimestamp: old.timestamp }), { endedAt: Date.now(), outcome: 'completed' });
    await old.remove();
    await waitFor(() => Date.now() > old.timestamp + 1, 'the clock to move on');
    const reused = await queue.add('x', {}, { jobId: 'invoice-42' });
    expect(reused.timestamp).not.toBe(old.timestamp);
    expect(await read('invoice-42')).toEqual([]);
    await recordAttemptStart(records, run('invoice-42', 1, { startedAt: Date.now(), jobTimestamp: reused.timestamp }));
    expect(await read('invoice-42')).toHaveLength(1);
  });

  it('lets a history expire: not read once its time is up, and removed by later writes', async () => {
    const expiring = run('expiring', 1);
    // 3 s to live: long enough for the read right after the write on a busy machine (50 ms failed in CI),
    // short enough to wait for.
    await records.writeAttempts([{ queue: 'history', jobId: 'expiring', kind: 'r', attempt: 1, startedAt: expiring.startedAt, record: JSON.stringify({ attempt: 1, startedAt: expiring.startedAt, worker: 'w', outcome: 'completed' }) }], ATTEMPTS_CAP, 3_000);
    expect(await raw('expiring')).toHaveLength(1);
    await waitFor(async () => (await raw('expiring')).length === 0, 'the history to expire', 30_000);
    if (kind === 'postgres') {
      // A later write of any job takes the expired rows out (bounded batch), not only hides them.
      await recordAttemptStart(records, run('later', 1));
      const { rows } = await getConnection('main').pg.query(`SELECT count(*)::int AS n FROM drover.job_attempt WHERE job_id = 'expiring'`);
      expect(rows[0].n).toBe(0);
    }
  });
});

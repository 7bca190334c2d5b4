// A job BullMQ deletes on completion (removeOnComplete: true) leaves no attempt history behind: nobody
// can read it once the job is gone, and it would stay 14 days, one key (or row) per job. A job that is
// kept, or one that failed before, keeps its history as before.
import { Queue, createPostgresBackend } from 'bullmq';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/stores';
import { consoleForThisFile } from '../helpers/console-store';
import { waitFor } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { defineJobKind } from '@/lib/job-kinds/kind';
import { getConnection } from '@/lib/redis/connections';

const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };

describe.each(STORE_KINDS)('attempt history of jobs removed on completion on %s', (kind) => {
  const server = consoleForThisFile(kind);
  let runtime: Runtime;
  let queue: Queue;
  const attempts = async (jobId: string) => (await getConnection('console').records.attemptLists('tally', [jobId], 100))[0] ?? [];

  beforeAll(async () => {
    queue = server.track(
      kind === 'redis'
        ? new Queue('tally', { connection: { url: server.url } })
        : (new Queue('tally', { connection: { connectionString: server.url, migrate: true } }, createPostgresBackend) as unknown as Queue),
    );
    await queue.waitUntilReady();
    const definition = defineJobKind({
      kind: 'tally',
      queue: 'tally',
      jobNames: ['count'],
      description: 'counts, failing once when asked to',
      dataSchema: z.object({ failFirst: z.boolean() }),
      defaultJobOptions: {},
      concurrency: 4,
    });
    runtime = await startRuntime({
      connection: getConnection('console').config,
      kinds: [{ definition, processor: { type: 'inline', process: async ({ data, job }) => (data.failFirst && job.attemptsMade === 0 ? Promise.reject(new Error('first try fails')) : 'ok') } }],
      settings,
      logger: createWorkerLogger({}, { write: () => {} }),
      workerName: 'drover@test:1',
    });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('writes none for a first run of a removed job, and keeps it for a kept job and for a removed job that failed before', async () => {
    const removed = await queue.add('count', { failFirst: false }, { removeOnComplete: true });
    const kept = await queue.add('count', { failFirst: false });
    const retried = await queue.add('count', { failFirst: true }, { removeOnComplete: true, attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await waitFor(async () => (await queue.getJobState(kept.id!)) === 'completed', 'the kept job completed');
    await waitFor(async () => (await queue.getJob(removed.id!)) === undefined && (await queue.getJob(retried.id!)) === undefined, 'the removed jobs gone');
    await runtime.workers.get('tally')!.flushAttempts();

    expect(await attempts(removed.id!)).toEqual([]);
    expect((await attempts(kept.id!)).map((r) => JSON.parse(r).outcome)).toEqual(['completed']);
    // Its first, failed run is history already: the second run's end is written as before.
    expect((await attempts(retried.id!)).map((r) => JSON.parse(r).outcome)).toEqual(['completed', 'failed']);
  });
});

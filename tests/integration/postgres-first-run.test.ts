// `DATABASE_URL=… npm start` on an empty database: the bundled workers start only once BullMQ's schema
// exists; without "migrate" they stop with a message saying how to make it (DROVER_PG_MIGRATE=1), with it
// the runtime makes the schema itself (the workers may start before the console's first read).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, createPostgresBackend } from 'bullmq';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { startRuntime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { readConfig } from '@/lib/config/load-config';
import { noteConnectionStore, toDroverError } from '@/lib/errors';

const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };
let postgres: TestPostgres;

beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

function start(env: Record<string, string>) {
  const connection = readConfig({ DATABASE_URL: postgres.url, ...env }, '/nonexistent').config.connections[0];
  const { processors } = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
  return startRuntime({ connection, kinds: selectKinds(['webhook'], processors), settings, logger: createWorkerLogger({}, { write: () => {} }), cancellation: false, deadLetters: false, heartbeat: false });
}

describe('the bundled workers on an empty PostgreSQL database', () => {
  it('without DROVER_PG_MIGRATE: refuse to start, saying how to make the schema', async () => {
    const err = await start({}).then(
      () => null,
      (e: unknown) => e,
    );
    noteConnectionStore('postgres', 'postgres');
    expect(toDroverError(err, 'postgres').message).toMatch(/^PostgreSQL connection "postgres" has no BullMQ schema yet .*DROVER_PG_MIGRATE=1 with DATABASE_URL/);
  });

  it('with DROVER_PG_MIGRATE=1: make BullMQ\'s schema and run', async () => {
    const runtime = await start({ DROVER_PG_MIGRATE: '1' });
    try {
      // A producer without "migrate" finds the schema made.
      const queue = new Queue('webhook', { connection: { connectionString: postgres.url } }, createPostgresBackend) as unknown as Queue;
      try {
        await queue.waitUntilReady();
        expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 0 });
      } finally {
        await queue.close();
      }
    } finally {
      await runtime.close();
    }
  });
});

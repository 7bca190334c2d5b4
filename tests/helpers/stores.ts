// One BullMQ store per kind for the suites that run against both (Redis and PostgreSQL): a real server,
// the connection entry Drover is configured with, and BullMQ classes built for that store — so a test
// builds its data through BullMQ's API the same way on either.
import { FlowProducer, Queue, QueueEvents, Worker, createPostgresBackend, type Processor, type WorkerOptions } from 'bullmq';
import { startTestRedis } from './redis';
import { startTestPostgres } from './postgres';
import { configureConnections } from './console-env';

export const STORE_KINDS = ['redis', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export type TestStore = {
  kind: StoreKind;
  /** The Redis every suite needs for Drover's own data (users, audit): the console connection. */
  consoleUrl: string;
  /** The connection entry under test, for drover.config.json (add a name). */
  connection: { url: string; migrate?: boolean };
  queue(name: string): Queue;
  worker(name: string, processor: Processor, opts?: Omit<WorkerOptions, 'connection'>): Worker;
  flowProducer(): FlowProducer;
  queueEvents(name: string): QueueEvents;
  /** Closes every BullMQ object made here, then the servers. */
  stop(): Promise<void>;
};

type Closable = { close(): Promise<unknown>; on?: (event: 'error', listener: () => void) => unknown };

export async function startTestStore(kind: StoreKind): Promise<TestStore> {
  const redis = await startTestRedis();
  const made: Closable[] = [];
  const keep = <T extends Closable>(x: T): T => {
    // A server stopped under a test (or at its end) is reported by the test itself, not as stray noise.
    x.on?.('error', () => {});
    made.push(x);
    return x;
  };
  if (kind === 'redis') {
    const connection = { url: redis.url };
    return {
      kind,
      consoleUrl: redis.url,
      connection,
      queue: (name) => keep(new Queue(name, { connection })),
      worker: (name, processor, opts) => keep(new Worker(name, processor, { ...opts, connection })),
      flowProducer: () => keep(new FlowProducer({ connection })),
      queueEvents: (name) => keep(new QueueEvents(name, { connection })),
      stop: async () => {
        await Promise.allSettled(made.map((x) => x.close()));
        await redis.stop();
      },
    };
  }
  const pg = await startTestPostgres();
  // The producers' side creates BullMQ's schema, as an application using BullMQ on PostgreSQL does.
  const connection = { connectionString: pg.url, migrate: true };
  const first = new Queue('__schema', { connection, skipMetasUpdate: true }, createPostgresBackend);
  await first.waitUntilReady();
  await first.close();
  const as = <T>(x: unknown) => x as T;
  return {
    kind,
    consoleUrl: redis.url,
    connection: { url: pg.url },
    queue: (name) => keep(as<Queue>(new Queue(name, { connection }, createPostgresBackend))),
    worker: (name, processor, opts) => keep(as<Worker>(new Worker(name, processor, { ...opts, connection }, createPostgresBackend))),
    flowProducer: () => keep(as<FlowProducer>(new FlowProducer({ connection }, createPostgresBackend))),
    queueEvents: (name) => keep(as<QueueEvents>(new QueueEvents(name, { connection }, createPostgresBackend))),
    stop: async () => {
      await Promise.allSettled(made.map((x) => x.close()));
      await pg.stop();
      await redis.stop();
    },
  };
}

/**
 * A store of this kind with lib/ configured on it: the connection "console" (its Redis, Drover's own
 * data) and "main" (the store under test, with `main`'s extra settings).
 */
export async function startConfiguredStore(kind: StoreKind, main: Record<string, unknown> = {}): Promise<TestStore> {
  const store = await startTestStore(kind);
  await configureConnections([
    { name: 'console', url: store.consoleUrl },
    { name: 'main', ...store.connection, ...main },
  ]);
  return store;
}

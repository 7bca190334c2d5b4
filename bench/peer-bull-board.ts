// The peer of the benchmark: Bull Board (@bull-board/api + @bull-board/express) in its own process,
// serving the given queues from one shared ioredis connection, as its README sets it up — or, with a
// postgres:// URL, from Queues built with BullMQ's PostgreSQL backend (createPostgresBackend) over one
// shared pg.Pool (10 connections, like Drover's pool; search_path = BullMQ's schema, which a pool
// BullMQ did not create must carry).
//   node --import tsx bench/peer-bull-board.ts <redis:// or postgres:// url> <port> <queue> [<queue> …]
// Prints "READY <port>" once it listens; SIGTERM closes it.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue, createPostgresBackend } from 'bullmq';
import express from 'express';
import IORedis from 'ioredis';
import pg from 'pg';

const [url, port, ...queueNames] = process.argv.slice(2);
const isPostgres = /^postgres(ql)?:\/\//i.test(url);
const connection = isPostgres ? null : new IORedis(url, { maxRetriesPerRequest: null });
const pool = isPostgres ? new pg.Pool({ connectionString: url, max: 10, options: '-c search_path=bullmq', application_name: 'bull-board' }) : null;
// BullMQ's backend adds an 'error' listener to a shared pool per Queue.
pool?.setMaxListeners(0);
const queues = queueNames.map((name) =>
  pool ? (new Queue(name, { connection: pool as never }, createPostgresBackend) as unknown as Queue) : new Queue(name, { connection: connection! }),
);

const serverAdapter = new ExpressAdapter();
serverAdapter.setBasePath('/');
// @bull-board/express 9.10.1 carries its own @bull-board/api 9.10.1 (ours is 9.10.2): same runtime
// contract, separately declared types.
createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });

const app = express();
app.use('/', serverAdapter.getRouter());
const server = app.listen(Number(port), '127.0.0.1', () => console.log(`READY ${port}`));

process.once('SIGTERM', async () => {
  server.closeAllConnections();
  server.close();
  await Promise.allSettled(queues.map((q) => q.close()));
  connection?.disconnect();
  await pool?.end().catch(() => {});
  process.exit(0);
});

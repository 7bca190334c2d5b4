// The peer of the benchmark: Bull Board (@bull-board/api + @bull-board/express) in its own process,
// serving the given queues from one shared ioredis connection, as its README sets it up.
//   node --import tsx bench/peer-bull-board.ts <redis url> <port> <queue> [<queue> …]
// Prints "READY <port>" once it listens; SIGTERM closes it.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import express from 'express';
import IORedis from 'ioredis';

const [url, port, ...queueNames] = process.argv.slice(2);
const connection = new IORedis(url, { maxRetriesPerRequest: null });
const queues = queueNames.map((name) => new Queue(name, { connection }));

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
  connection.disconnect();
  process.exit(0);
});

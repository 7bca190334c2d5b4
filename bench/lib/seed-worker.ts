// A seeding worker process: completes every job of a queue except those marked `fail`, which throw.
// Runs until SIGTERM, then closes the Worker (finishing the jobs it holds) and exits.
//   node --import tsx bench/lib/seed-worker.ts <redis url> <queue> <concurrency>
import { Worker } from 'bullmq';
import IORedis from 'ioredis';

const [url, queueName, concurrency] = process.argv.slice(2);
const connection = new IORedis(url, { maxRetriesPerRequest: null });
const worker = new Worker(
  queueName,
  async (job) => {
    if ((job.data as { fail?: boolean }).fail) throw new Error(`payment declined for ${(job.data as { orderId: string }).orderId}`);
    return { ok: true };
  },
  { connection, concurrency: Number(concurrency) },
);
worker.on('error', (err) => console.error(`seed worker: ${err.message}`));

process.once('SIGTERM', async () => {
  await worker.close();
  connection.disconnect();
  process.exit(0);
});
worker.waitUntilReady().then(() => console.log('READY'));

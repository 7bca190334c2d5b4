// A seeding worker process: completes every job of a queue except those marked `fail`, which throw
// (with the job's `error` text when it has one).
// Runs until SIGTERM, then closes the Worker (finishing the jobs it holds) and exits.
//   node --import tsx bench/lib/seed-worker.ts <redis:// or postgres:// url> <queue> <concurrency>
// A postgres:// URL runs the Worker on BullMQ's PostgreSQL backend (createPostgresBackend).
import { Worker, createPostgresBackend, type Processor } from 'bullmq';
import IORedis from 'ioredis';

const [url, queueName, concurrency] = process.argv.slice(2);
const processor: Processor = async (job) => {
  const data = job.data as { fail?: boolean; error?: string; orderId: string };
  if (data.fail) throw new Error(data.error ?? `payment declined for ${data.orderId}`);
  return { ok: true };
};
const isPostgres = /^postgres(ql)?:\/\//i.test(url);
const connection = isPostgres ? null : new IORedis(url, { maxRetriesPerRequest: null });
const worker = isPostgres
  ? (new Worker(queueName, processor, { connection: { connectionString: url }, concurrency: Number(concurrency) }, createPostgresBackend) as unknown as Worker)
  : new Worker(queueName, processor, { connection: connection!, concurrency: Number(concurrency) });
worker.on('error', (err) => console.error(`seed worker: ${err.message}`));

process.once('SIGTERM', async () => {
  await worker.close();
  connection?.disconnect();
  process.exit(0);
});
worker.waitUntilReady().then(() => console.log('READY'));

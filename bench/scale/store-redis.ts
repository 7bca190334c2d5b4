// The Redis store of `npm run bench:scale`: a private redis-server (no persistence) that holds both
// the queues and Drover's own data (the console connection "default"), with fast seeding.
//
// Seeding millions of completed jobs through Workers would take most of the run (300,000 take 40–85 s
// here), so growCompleted lets BullMQ really process one job first and copies what BullMQ wrote for it
// (the job hash's fields, the completed set's score = finishedOn, the id counter) with a Lua script that
// writes a chunk of jobs per call. Waiting jobs (addQueues) and failed jobs (addFailed) go through
// BullMQ's own API: addBulk, and a Worker that throws.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Queue, Worker, type Processor } from 'bullmq';
import IORedis from 'ioredis';
import { startRedisServer } from '../../lib/embedded/redis-server.mjs';
import { payload } from '../lib/seed';
import { writeDroverConfig } from '../lib/servers';
import type { ScaleStore } from './types';

const CHUNK = 20_000;

/** Writes jobs from..to (ids) of `queue` as copies of a template hash; returns how many it wrote. */
const COPY_COMPLETED = `
local hashPrefix, completedKey = KEYS[1], KEYS[2]
local from, to, baseTime = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local dataPrefix, dataSuffix = ARGV[4], ARGV[5]
local nFields = tonumber(ARGV[6])
local fields = {}
for i = 1, nFields * 2 do fields[i] = ARGV[6 + i] end
local written = 0
for id = from, to do
  local finished = baseTime + id
  local args = {}
  for i = 1, nFields * 2, 2 do
    local f, v = fields[i], fields[i + 1]
    if f == 'data' then v = dataPrefix .. id .. dataSuffix
    elseif f == 'timestamp' then v = tostring(finished - 3)
    elseif f == 'processedOn' then v = tostring(finished - 1)
    elseif f == 'finishedOn' then v = tostring(finished) end
    args[#args + 1] = f
    args[#args + 1] = v
  end
  redis.call('HSET', hashPrefix .. id, unpack(args))
  redis.call('ZADD', completedKey, finished, id)
  written = written + 1
end
return written
`;

export async function startRedisStore(dir: string, log: (line: string) => void): Promise<ScaleStore> {
  const server = await startRedisServer({ dir: path.join(dir, 'redis') });
  const redis = new IORedis(server.url, { maxRetriesPerRequest: null, connectionName: 'bench-scale' });
  redis.on('error', () => {});
  const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  fs.mkdirSync(dir, { recursive: true });
  const configFile = writeDroverConfig(dir, server.url);
  const connections: IORedis[] = [];
  const connection = () => {
    const c = new IORedis(server.url, { maxRetriesPerRequest: null, connectionName: 'bench-scale-bullmq' });
    c.on('error', () => {});
    connections.push(c);
    return c;
  };
  const shared = connection();
  /** Ids of every job the seeding wrote per queue, so growCompleted continues the sequence. */
  const template = new Map<string, string[]>();

  const store: ScaleStore = {
    kind: 'redis',
    label: `Redis ${version}`,
    connection: 'default',
    peerUrl: server.url,
    configFile,
    port: server.port,
    cpuMs: async () => {
      const info = await redis.info('cpu');
      const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
    },
    clientCount: async () => {
      const list = (await redis.client('LIST')) as string;
      return list.split('\n').filter((line) => line && !/ name=bench-scale/.test(` ${line}`)).length;
    },
    queue: (name) => {
      const q = new Queue(name, { connection: shared });
      q.on('error', () => {});
      return q;
    },
    worker: (name, processor: Processor, opts = {}) => {
      const w = new Worker(name, processor, { connection: connection(), concurrency: opts.concurrency ?? 1 });
      w.on('error', () => {});
      return w;
    },
    addQueues: async (names, waitingPerQueue) => {
      let next = 0;
      const lane = async () => {
        while (next < names.length) {
          const name = names[next++];
          const q = store.queue(name);
          await q.addBulk(Array.from({ length: waitingPerQueue }, (_, i) => ({ name: 'send-email', data: payload(i) })));
          await q.close();
        }
      };
      await Promise.all(Array.from({ length: 8 }, lane));
      const q = store.queue(names[names.length - 1]);
      const waiting = await q.getWaitingCount();
      await q.close();
      if (waiting !== waitingPerQueue) throw new Error(`queue ${names[names.length - 1]} holds ${waiting} waiting jobs, expected ${waitingPerQueue}`);
    },
    growCompleted: async (queue, from, to) => {
      const q = store.queue(queue);
      let fields = template.get(queue);
      if (!fields) {
        // One job processed by BullMQ itself: the template of every copy.
        if (from !== 0) throw new Error(`growCompleted(${queue}) must start at 0 the first time`);
        await q.add('process-order', payload(1));
        const w = store.worker(queue, async () => ({ ok: true }));
        while ((await q.getCompletedCount()) < 1) await new Promise((r) => setTimeout(r, 20));
        await w.close();
        const id = (await q.getJobs(['completed'], 0, 0))[0].id!;
        const hash = await redis.hgetall(`bull:${queue}:${id}`);
        if (!hash.finishedOn || !hash.data) throw new Error(`BullMQ's completed job ${id} has no finishedOn/data: ${JSON.stringify(hash)}`);
        fields = Object.entries(hash).flat();
        template.set(queue, fields);
        from = 1;
      }
      // The data: the seed's ~200-byte order, its orderId carrying the job id.
      const sample = JSON.stringify(payload(0));
      const [prefix, suffix] = [sample.slice(0, sample.indexOf('ord-') + 4), sample.slice(sample.indexOf('ord-') + 4 + 7)];
      const baseTime = Date.now() - to - 60_000;
      const started = performance.now();
      for (let first = from + 1; first <= to; first += CHUNK) {
        const last = Math.min(to, first + CHUNK - 1);
        await redis.eval(COPY_COMPLETED, 2, `bull:${queue}:`, `bull:${queue}:completed`, first, last, baseTime, prefix, suffix, fields.length / 2, ...fields);
      }
      // BullMQ's id counter continues after the copies (a later add must not reuse an id).
      const current = Number((await redis.get(`bull:${queue}:id`)) ?? 0);
      if (current < to) await redis.incrby(`bull:${queue}:id`, to - current);
      const completed = await q.getCompletedCount();
      await q.close();
      if (completed !== to) throw new Error(`queue ${queue} holds ${completed} completed jobs, expected ${to}`);
      log(`    ${queue}: ${from.toLocaleString('en')} → ${to.toLocaleString('en')} completed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
    addFailed: async (queue, count, payloadBytes) => {
      const q = store.queue(queue);
      // Random hex, as on PostgreSQL (which would compress a repeated character away).
      const filler = crypto.randomBytes(Math.ceil(Math.max(0, payloadBytes - 160) / 2)).toString('hex');
      for (let offset = 0; offset < count; offset += 10) {
        await q.addBulk(
          Array.from({ length: Math.min(10, count - offset) }, (_, i) => ({ name: 'render-report', data: { ...payload(offset + i), blob: filler } })),
        );
      }
      const w = store.worker(
        queue,
        async () => {
          throw new Error('upstream answered 503');
        },
        { concurrency: 4 },
      );
      while ((await q.getFailedCount()) < count) await new Promise((r) => setTimeout(r, 50));
      await w.close();
      await q.close();
    },
    reset: async () => {
      // Every BullMQ key; Drover's own keys (drover:*) stay.
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', 'bull:*', 'COUNT', 5000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
      template.clear();
    },
    stop: async () => {
      for (const c of connections) c.disconnect();
      redis.disconnect();
      await server.stop();
    },
  };
  return store;
}

// Typed producer helper: `enqueue('webhook', data, opts)` validates the data with the kind's schema and
// applies the kind's default job options (BullMQ keeps defaults on producers, not in Redis).
import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { InvalidError, ReadOnlyError } from '@/lib/errors';
import { getConnection, getConsoleConnection } from '@/lib/redis/connections';
import { getJobKind, withKindDefaults, type JobData, type JobDataInput, type JobKindName } from '@/lib/job-kinds/registry';
import { fieldErrorsOf, summarizeFieldErrors } from '@/lib/zod-issues';

/** Where to add the job; a lib/redis Connection fits. Default: the workers' connection (see the README, "Workers"). */
export type EnqueueConnection = { redis: Redis; prefix: string; name?: string; readOnly?: boolean };

/** BullMQ job options plus `name`, one of the kind's job names (default: its first). */
export type EnqueueOptions = JobsOptions & { name?: string };

const CACHE = Symbol.for('drover.enqueue-queues');
type Holder = { [CACHE]?: WeakMap<Redis, Map<string, Queue>> };

function queueFor(connection: EnqueueConnection, name: string): Queue {
  const holder = globalThis as Holder;
  holder[CACHE] ??= new WeakMap();
  let byName = holder[CACHE].get(connection.redis);
  if (!byName) {
    byName = new Map();
    holder[CACHE].set(connection.redis, byName);
  }
  const key = `${connection.prefix}\u0000${name}`;
  let queue = byName.get(key);
  if (!queue) {
    // A producer Queue (writes the queue's meta, so a new queue is discoverable right away).
    queue = new Queue(name, { connection: connection.redis, prefix: connection.prefix });
    queue.on('error', () => {
      /* surfaced by add() itself */
    });
    byName.set(key, queue);
  }
  return queue;
}

function defaultConnection(): EnqueueConnection {
  const named = process.env.DROVER_WORKER_CONNECTION;
  return named ? getConnection(named) : getConsoleConnection();
}

export async function enqueue<K extends JobKindName>(
  kind: K,
  data: JobDataInput<K>,
  opts: EnqueueOptions = {},
  connection: EnqueueConnection = defaultConnection(),
): Promise<Job<JobData<K>>> {
  const definition = getJobKind(kind);
  const { name = definition.jobNames[0], ...jobOpts } = opts;
  if (!definition.jobNames.includes(name)) {
    throw new InvalidError(`Job name "${name}" is not a ${kind} job (use ${definition.jobNames.join(', ')})`, { name: [`must be one of ${definition.jobNames.join(', ')}`] });
  }
  const parsed = definition.dataSchema.safeParse(data);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error, { root: '(data)' });
    throw new InvalidError(`Invalid data for a ${kind} job: ${summarizeFieldErrors(fieldErrors)}`, fieldErrors);
  }
  if (connection.readOnly) throw new ReadOnlyError(connection.name ?? 'unknown');
  const queue = queueFor(connection, definition.queue);
  return (await queue.add(name, parsed.data, withKindDefaults(definition, jobOpts))) as Job<JobData<K>>;
}

/** Closes the producer queues opened by enqueue (scripts call it before exiting). */
export async function closeEnqueueQueues(redis: Redis): Promise<void> {
  const byName = (globalThis as Holder)[CACHE]?.get(redis);
  if (!byName) return;
  await Promise.allSettled([...byName.values()].map((q) => q.close()));
  (globalThis as Holder)[CACHE]?.delete(redis);
}

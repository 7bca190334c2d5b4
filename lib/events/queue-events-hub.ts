// One BullMQ QueueEvents per (connection, queue) per server process, shared by every browser tab
// that watches the queue and closed when the last one leaves.
import 'server-only';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { getConnection } from '@/lib/redis/connections';
import { createRedisClient } from '@/lib/redis/create-client';
import { logger } from '@/lib/log';
import type { JobEventName, LiveEvent } from './live-event';

type Listener = (event: LiveEvent) => void;
type Entry = { events: QueueEvents; client: Redis; listeners: Set<Listener> };

const HUB = Symbol.for('drover.queue-events-hub');
type Holder = { [HUB]?: Map<string, Entry> };

function hub(): Map<string, Entry> {
  const holder = globalThis as Holder;
  holder[HUB] ??= new Map();
  return holder[HUB];
}

const JOB_EVENTS: JobEventName[] = [
  'added', 'waiting', 'active', 'progress', 'completed', 'failed', 'delayed', 'removed', 'stalled',
  'waiting-children', 'retries-exhausted', 'duplicated', 'deduplicated',
];

function open(connection: string, queue: string): Entry {
  const conn = getConnection(connection);
  // QueueEvents blocks on XREAD: it needs its own connection with maxRetriesPerRequest null.
  const client = createRedisClient(conn.config, { purpose: 'events', maxRetriesPerRequest: null });
  const events = new QueueEvents(queue, { connection: client, prefix: conn.prefix, autorun: true });
  const listeners = new Set<Listener>();
  const emit = (event: LiveEvent) => listeners.forEach((l) => l(event));
  for (const name of JOB_EVENTS) {
    events.on(name as 'completed', (args: { jobId: string; data?: unknown; failedReason?: string }) => {
      emit({
        type: 'job',
        connection,
        queue,
        event: name,
        jobId: String(args.jobId),
        ...(name === 'progress' ? { progress: args.data } : {}),
        ...(name === 'failed' && args.failedReason ? { failedReason: String(args.failedReason).slice(0, 300) } : {}),
      });
    });
  }
  for (const name of ['paused', 'resumed', 'cleaned', 'drained'] as const) {
    events.on(name as 'paused', () => emit({ type: 'queue', connection, queue, event: name }));
  }
  events.on('error', (err) => logger.debug({ err: err.message, queue }, 'queue events error'));
  return { events, client, listeners };
}

/** Starts delivering the queue's events to `listener`; call the returned function to stop. */
export function subscribeToQueue(connection: string, queue: string, listener: Listener): () => void {
  const key = `${connection}\u0000${queue}`;
  let entry = hub().get(key);
  if (!entry) {
    entry = open(connection, queue);
    hub().set(key, entry);
  }
  entry.listeners.add(listener);
  const current = entry;
  return () => {
    current.listeners.delete(listener);
    if (current.listeners.size === 0 && hub().get(key) === current) {
      hub().delete(key);
      current.events
        .close()
        .catch(() => {})
        .finally(() => current.client.disconnect());
    }
  };
}


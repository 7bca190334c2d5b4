// One watch per (connection, queue) per server process, shared by every browser tab that watches the
// queue and released when the last one leaves. The watches of a connection are read by its one
// shared EventStreamReader, so the number of watched queues never changes the number of Redis
// connections.
import 'server-only';
import { eventStreamReader } from './event-stream-reader';
import { liveEventFromEntry } from './queue-event-entry';
import type { LiveEvent } from './live-event';

type Listener = (event: LiveEvent) => void;
type Entry = { listeners: Set<Listener>; unwatch: () => void };

const HUB = Symbol.for('drover.queue-events-hub');
type Holder = { [HUB]?: Map<string, Entry> };

function hub(): Map<string, Entry> {
  const holder = globalThis as Holder;
  holder[HUB] ??= new Map();
  return holder[HUB];
}

function open(connection: string, queue: string): Entry {
  const listeners = new Set<Listener>();
  const unwatch = eventStreamReader(connection).watch(queue, (entries) => {
    for (const [, fields] of entries) {
      const event = liveEventFromEntry(connection, queue, fields);
      if (!event) continue;
      for (const listener of listeners) listener(event);
    }
  });
  return { listeners, unwatch };
}

/**
 * Starts delivering the queue's events to `listener`; call the returned function to stop. The caller
 * checks that the queue exists (lib/events/assert-queues-exist.ts): a watch costs a stream key in
 * every read of the connection's reader.
 */
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
      current.unwatch();
    }
  };
}

/** How many queues are watched in this process, all connections together. */
export function watchedQueueCount(): number {
  return hub().size;
}

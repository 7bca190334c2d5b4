// Server-Sent Events for one browser tab: queue events (coalesced into bursts when busy), overview
// snapshots and health, a heartbeat every 15 s, cleanup when the client goes away.
import 'server-only';
import { subscribeToQueue } from './queue-events-hub';
import { subscribeToPulse } from './pulse';
import type { LiveEvent } from './live-event';

export const HEARTBEAT_MS = 15_000;
const FLUSH_MS = 100;
/** More job events than this per flush window become one "burst" per queue. */
const BURST_THRESHOLD = 40;

export type SseOptions = {
  queues: Array<{ connection: string; queue: string }>;
  overview: boolean;
  signal: AbortSignal;
  /** Called once when the stream ends (the route gives its stream slot back). */
  onClose?: () => void;
};

export function createEventStream(opts: SseOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const cleanups: Array<() => void> = [];
  let closed = false;
  /** Stops timers and subscriptions; set in start(), also called when the reader cancels. */
  let close = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const send = (event: LiveEvent) => write(`data: ${JSON.stringify(event)}\n\n`);
      let pending: LiveEvent[] = [];
      const flush = () => {
        if (pending.length === 0) return;
        const batch = pending;
        pending = [];
        const jobEvents = batch.filter((e) => e.type === 'job');
        if (jobEvents.length > BURST_THRESHOLD) {
          const counts = new Map<string, { connection: string; queue: string; count: number }>();
          for (const e of jobEvents) {
            if (e.type !== 'job') continue;
            const k = `${e.connection}\u0000${e.queue}`;
            const c = counts.get(k) ?? { connection: e.connection, queue: e.queue, count: 0 };
            c.count++;
            counts.set(k, c);
          }
          for (const c of counts.values()) send({ type: 'burst', ...c });
          batch.filter((e) => e.type !== 'job').forEach(send);
        } else batch.forEach(send);
      };
      const flushTimer = setInterval(flush, FLUSH_MS);
      const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), HEARTBEAT_MS);
      close = () => {
        if (closed) return;
        closed = true;
        clearInterval(flushTimer);
        clearInterval(heartbeat);
        cleanups.splice(0).forEach((fn) => fn());
        try {
          controller.close();
        } catch {
          /* already closed or cancelled */
        }
        opts.onClose?.();
      };
      write(`retry: 2000\n: connected\n\n`);
      for (const { connection, queue } of opts.queues) {
        // Progress is sent at once (live bars); everything else goes through the coalescing buffer.
        cleanups.push(subscribeToQueue(connection, queue, (e) => (e.type === 'job' && e.event === 'progress' ? send(e) : pending.push(e))));
      }
      cleanups.push(subscribeToPulse({ overview: opts.overview, send }));
      if (opts.signal.aborted) close();
      else opts.signal.addEventListener('abort', close, { once: true });
    },
    cancel() {
      close();
    },
  });
}

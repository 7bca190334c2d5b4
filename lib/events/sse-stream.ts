// Server-Sent Events for one browser tab: queue events (coalesced into bursts when busy), overview
// snapshots and health, a heartbeat every 15 s, cleanup when the client goes away.
//
// Next.js pipes the returned stream to the socket and waits for 'drain' when the socket is full, so
// what a client does not read stays queued here. Each frame is counted as it is queued and forgotten
// once read (the queue's size is the byte-length strategy's highWaterMark minus desiredSize):
// - with DROVER_SSE_MAX_BUFFER_BYTES unread, nothing more is queued (at most that plus one frame is
//   held): job and queue events are left out and become a "burst" per queue once there is room again
//   (the page refetches), snapshots wait for the next tick;
// - a client whose oldest unread frame is older than DROVER_SSE_MAX_LAG_MS is dropped: the stream
//   errors, Next.js destroys the socket, and every subscription is released.
import 'server-only';
import { subscribeToQueue } from './queue-events-hub';
import { subscribeToPulse } from './pulse';
import { liveFrame } from './live-frame';
import { liveLimits } from './live-limits';
import type { LiveEvent } from './live-event';
import type { QueueFilter } from '@/lib/auth/queue-filter';

export const HEARTBEAT_MS = 15_000;
const FLUSH_MS = 100;
/** More job events than this per flush window become one "burst" per queue. */
const BURST_THRESHOLD = 40;

export type SseOptions = {
  queues: Array<{ connection: string; queue: string }>;
  overview: boolean;
  signal: AbortSignal;
  /** Called once when the stream ends, with the reason when its client was dropped for not reading. */
  onClose?: (droppedBecause?: string) => void;
  /** Asked every DROVER_SSE_REVALIDATE_MS: false (signed out, removed, token revoked or expired) ends the stream. */
  stillAllowed?: () => Promise<boolean>;
  /**
   * What the caller may see (README › Team scopes). The queues were checked against it when the stream
   * opened; every queue event is checked again before it is queued, and snapshots are cut to it.
   */
  filter?: QueueFilter;
};

/** Named like an abort so that Next.js ends the response quietly instead of logging a pipe failure. */
class ClientNotReadingError extends Error {
  constructor(reason: string) {
    super(`Live stream dropped, its client is not reading: ${reason}`);
    this.name = 'AbortError';
  }
}

type FrameKind = LiveEvent['type'] | 'text';
type Unread = { at: number; bytes: number; kind: FrameKind };

export function createEventStream(opts: SseOptions): ReadableStream<Uint8Array> {
  const limits = liveLimits();
  const encoder = new TextEncoder();
  const cleanups: Array<() => void> = [];
  let closed = false;
  /** Stops timers and subscriptions; set in start(), also called when the reader cancels. */
  let close = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Frames queued and not yet read, oldest first (head is the first unread one).
        const unread: Unread[] = [];
        let head = 0;
        let unreadBytes = 0;
        const unreadSnapshots = { overview: 0, health: 0 };
        const forgetRead = () => {
          const queued = controller.desiredSize === null ? 0 : limits.bufferBytes - controller.desiredSize;
          // The controller hands out whole frames, in order: what left its queue is a prefix of ours.
          let read = unreadBytes - queued;
          while (head < unread.length && unread[head].bytes <= read) {
            const frame = unread[head++];
            read -= frame.bytes;
            unreadBytes -= frame.bytes;
            if (frame.kind === 'overview' || frame.kind === 'health') unreadSnapshots[frame.kind] -= 1;
          }
          if (head > 1024 && head * 2 > unread.length) {
            unread.splice(0, head);
            head = 0;
          }
        };
        const hasRoom = () => {
          forgetRead();
          return unreadBytes < limits.bufferBytes;
        };
        const lagging = () => {
          forgetRead();
          return head < unread.length && Date.now() - unread[head].at > limits.maxLagMs;
        };
        const drop = (reason: string) => {
          if (closed) return;
          closed = true;
          stop();
          controller.error(new ClientNotReadingError(reason));
          opts.onClose?.(reason);
        };
        const enqueue = (bytes: Uint8Array, kind: FrameKind) => {
          try {
            controller.enqueue(bytes);
          } catch {
            close();
            return;
          }
          unread.push({ at: Date.now(), bytes: bytes.byteLength, kind });
          unreadBytes += bytes.byteLength;
          if (kind === 'overview' || kind === 'health') unreadSnapshots[kind] += 1;
        };
        // Queues whose events were left out while the buffer was full: the client gets a "burst" for
        // each once it has room again, and refetches instead of applying events one by one.
        let skipped = new Map<string, { connection: string; queue: string; count: number }>();
        const send = (event: LiveEvent) => {
          if (closed) return;
          if (!hasRoom()) {
            if (event.type === 'job' || event.type === 'queue' || event.type === 'burst') {
              const k = `${event.connection}\u0000${event.queue}`;
              const c = skipped.get(k) ?? { connection: event.connection, queue: event.queue, count: 0 };
              c.count += event.type === 'burst' ? event.count : 1;
              skipped.set(k, c);
            }
            return;
          }
          // A snapshot still unread makes the next one pointless: the client gets a fresh one once it reads.
          if ((event.type === 'overview' || event.type === 'health') && unreadSnapshots[event.type] > 0) return;
          enqueue(liveFrame(event), event.type);
        };
        const write = (text: string) => {
          if (!closed && hasRoom()) enqueue(encoder.encode(text), 'text');
        };

        // Job events wait in a bounded buffer for the next flush: past the threshold only counts are kept.
        let pending: LiveEvent[] = [];
        let jobEvents = 0;
        let counts = new Map<string, { connection: string; queue: string; count: number }>();
        const pendingQueueEvents = new Set<string>();
        const scoped = opts.filter && !opts.filter.everything ? opts.filter : undefined;
        const onQueueEvent = (e: LiveEvent) => {
          if (scoped && (e.type === 'job' || e.type === 'queue' || e.type === 'burst') && !scoped.queue(e.connection, e.queue)) return;
          if (e.type === 'job') {
            // Progress is sent at once (live bars).
            if (e.event === 'progress') return send(e);
            jobEvents += 1;
            const k = `${e.connection}\u0000${e.queue}`;
            const c = counts.get(k) ?? { connection: e.connection, queue: e.queue, count: 0 };
            c.count += 1;
            counts.set(k, c);
            if (jobEvents <= BURST_THRESHOLD) pending.push(e);
            return;
          }
          if (e.type === 'queue') {
            const k = `${e.connection}\u0000${e.queue}\u0000${e.event}`;
            if (pendingQueueEvents.has(k)) return;
            pendingQueueEvents.add(k);
          }
          pending.push(e);
        };
        const flush = () => {
          if (closed) return;
          if (lagging()) return drop(`data unread for more than ${limits.maxLagMs} ms`);
          if (skipped.size > 0 && hasRoom()) {
            const missed = skipped;
            skipped = new Map();
            for (const c of missed.values()) send({ type: 'burst', ...c });
          }
          if (pending.length === 0) return;
          const batch = pending;
          const bursting = jobEvents > BURST_THRESHOLD;
          const bursts = counts;
          pending = [];
          jobEvents = 0;
          counts = new Map();
          pendingQueueEvents.clear();
          if (bursting) {
            for (const c of bursts.values()) send({ type: 'burst', ...c });
            batch.filter((e) => e.type !== 'job').forEach(send);
          } else batch.forEach(send);
        };
        const flushTimer = setInterval(flush, FLUSH_MS);
        const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), HEARTBEAT_MS);
        // A stream outlives the request that opened it: who opened it is asked about again. A store that
        // does not answer keeps the stream (the store being down is not a revocation).
        const revalidate = setInterval(() => {
          void opts.stillAllowed?.().then((ok) => !ok && close(), () => {});
        }, limits.revalidateMs);
        const stop = () => {
          clearInterval(flushTimer);
          clearInterval(heartbeat);
          clearInterval(revalidate);
          cleanups.splice(0).forEach((fn) => fn());
        };
        close = () => {
          if (closed) return;
          closed = true;
          stop();
          try {
            controller.close();
          } catch {
            /* already closed or cancelled */
          }
          opts.onClose?.();
        };
        write(`retry: 2000\n: connected\n\n`);
        for (const { connection, queue } of opts.queues) cleanups.push(subscribeToQueue(connection, queue, onQueueEvent));
        cleanups.push(subscribeToPulse({ overview: opts.overview, send, filter: opts.filter }));
        if (opts.signal.aborted) close();
        else opts.signal.addEventListener('abort', () => close(), { once: true });
      },
      cancel() {
        close();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: limits.bufferBytes }),
  );
}

// GET /api/v1/events: one Server-Sent Events stream. Only queues that exist (404 naming the others), at
// most DROVER_SSE_MAX_QUEUES_PER_STREAM per stream, and at most DROVER_SSE_MAX_STREAMS_PER_USER /
// DROVER_SSE_MAX_STREAMS open streams (429).
import 'server-only';
import { z } from 'zod';
import { connectionNameSchema, queueNameSchema } from '@/lib/config/schema';
import { InvalidError } from '@/lib/errors';
import { logger } from '@/lib/log';
import { accessOf, type Principal } from '@/lib/auth/principal';
import { queueFilterOf } from '@/lib/auth/queue-filter';
import { createEventStream } from './sse-stream';
import { liveLimits } from './live-limits';
import { assertQueuesExist, type QueueRef } from './assert-queues-exist';
import { acquireStreamSlot } from './stream-slots';
import { stillAllowed } from '@/lib/auth/still-allowed';

const queueRef = z.string().transform((s, ctx) => {
  const slash = s.indexOf('/');
  const connection = connectionNameSchema.safeParse(s.slice(0, slash));
  const queue = queueNameSchema.safeParse(s.slice(slash + 1));
  if (slash <= 0 || !connection.success || !queue.success) {
    ctx.addIssue({ code: 'custom', message: 'queue must be "<connection>/<queue>"' });
    return z.NEVER;
  }
  return { connection: connection.data, queue: queue.data };
});

export const eventsQuerySchema = z.object({
  // The configurable per-stream limit is checked below; this only bounds what zod parses.
  queue: z.union([queueRef, z.array(queueRef).max(1000, 'at most 1000 queues per stream')]).optional(),
  overview: z.enum(['0', '1']).optional(),
});

export async function openEventStream(principal: Principal, query: z.output<typeof eventsQuerySchema>, signal: AbortSignal): Promise<Response> {
  const named = query.queue === undefined ? [] : Array.isArray(query.queue) ? query.queue : [query.queue];
  const queues = [...new Map<string, QueueRef>(named.map((q) => [`${q.connection}/${q.queue}`, q])).values()];
  const { queuesPerStream } = liveLimits();
  if (queues.length > queuesPerStream) {
    const message = `at most ${queuesPerStream} queues per stream (this one names ${queues.length})`;
    throw new InvalidError(`Invalid query: queue: ${message}`, { queue: [message] });
  }
  // A queue outside the caller's scope is answered like one that does not exist (README › Team scopes).
  const filter = queueFilterOf(accessOf(principal));
  await assertQueuesExist(queues, filter);
  const release = acquireStreamSlot(principal);
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = createEventStream({
      queues,
      overview: query.overview === '1',
      filter,
      signal,
      stillAllowed: () => stillAllowed(principal),
      onClose: (droppedBecause) => {
        release();
        if (droppedBecause) logger.warn({ event: 'sse.dropped', actor: principal.name, reason: droppedBecause }, 'live stream dropped: its client stopped reading');
      },
    });
  } catch (err) {
    release();
    throw err;
  }
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    },
  });
}

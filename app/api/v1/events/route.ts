// GET /api/v1/events?queue=<conn>/<queue>[&queue=…][&overview=1] — Server-Sent Events.
import { z } from 'zod';
import { apiRoute } from '@/lib/http/api-route';
import { connectionNameSchema, queueNameSchema } from '@/lib/config/schema';
import { getConnection } from '@/lib/redis/connections';
import { createEventStream } from '@/lib/events/sse-stream';

export const dynamic = 'force-dynamic';

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

const query = z.object({
  queue: z.union([queueRef, z.array(queueRef).max(20, 'at most 20 queues per stream')]).optional(),
  overview: z.enum(['0', '1']).optional(),
});

export const GET = apiRoute({ role: 'viewer', query }, async ({ query, request }) => {
  const queues = query.queue === undefined ? [] : Array.isArray(query.queue) ? query.queue : [query.queue];
  for (const q of queues) getConnection(q.connection);
  const stream = createEventStream({ queues, overview: query.overview === '1', signal: request.signal });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    },
  });
});

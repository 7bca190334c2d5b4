// webhook: POST a JSON payload to a URL, signed with HMAC-SHA256 (processor: workers/processors/webhook.ts).
import { z } from 'zod';
import { defineJobKind, retention } from '../kind';

export const webhookDataSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).describe('Endpoint that receives the POST'),
  event: z.string().min(1).max(100).optional().describe('Sent as X-Drover-Event'),
  payload: z.record(z.string(), z.unknown()).describe('JSON object sent as the request body'),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a header name'), z.string().max(2000))
    .optional()
    .describe('Extra request headers (the X-Drover-* headers cannot be overridden)'),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('Give up on a response after this long (retried)'),
});
export type WebhookData = z.infer<typeof webhookDataSchema>;

export const webhookKind = defineJobKind({
  kind: 'webhook',
  queue: 'webhook',
  jobNames: ['deliver'],
  description: 'POST a JSON payload to a URL with an X-Drover-Signature (HMAC-SHA256 of the body). 4xx fails permanently, except 408 and 429; 5xx and network errors retry with backoff; Retry-After pauses the queue.',
  dataSchema: webhookDataSchema,
  // 6 attempts over ~2.5 minutes (5 s, 10 s, 20 s, 40 s, 80 s): rides out a deploy of the receiver.
  defaultJobOptions: { attempts: 6, backoff: { type: 'exponential', delay: 5_000 }, ...retention(5_000, 10_000) },
  // Network bound: many in flight per process.
  concurrency: 10,
  // At most 50 deliveries per second per queue; a peer's 429 / Retry-After pauses it further.
  limiter: { max: 50, duration: 1_000 },
});

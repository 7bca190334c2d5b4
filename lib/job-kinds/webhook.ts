// webhook: POST a JSON payload to a URL, signed with HMAC-SHA256 (processor: workers/processors/webhook.ts).
import { z } from 'zod';
import { defineJobKind, retention } from './kind';

/** Headers Drover sets on every delivery (lower case); a job cannot set them. X-Drover-* as a whole too. */
export const DROVER_WEBHOOK_HEADERS = ['content-type', 'user-agent'];
/** Hop-by-hop and framing headers: node:http and the connection own them. */
export const HOP_BY_HOP_HEADERS = ['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'expect'];
/** Extra headers a job may carry at most. */
export const MAX_WEBHOOK_HEADERS = 50;

/** Why a job may not set this header, or undefined when it may. Names compare case-insensitively. */
export function reservedHeaderReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.startsWith('x-drover-') || DROVER_WEBHOOK_HEADERS.includes(lower)) return 'is set by Drover and cannot be overridden';
  if (HOP_BY_HOP_HEADERS.includes(lower)) return 'is a connection-level header that Drover sets itself';
  return undefined;
}

const headersSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a header name'),
    // What node:http accepts in a header value: no CR, LF or other control characters.
    z.string().max(2000).regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'must not contain control characters or characters beyond U+00FF'),
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_WEBHOOK_HEADERS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_WEBHOOK_HEADERS} headers` });
    const seen = new Map<string, string>();
    for (const name of names) {
      const reason = reservedHeaderReason(name);
      if (reason) ctx.addIssue({ code: 'custom', path: [name], message: reason });
      const first = seen.get(name.toLowerCase());
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: `repeats ${first} (header names are case-insensitive)` });
      else seen.set(name.toLowerCase(), name);
    }
  });

/** A webhook's longest timeout (the circuit breaker's probe claim is read from it, capped so). */
export const WEBHOOK_TIMEOUT_MAX_MS = 120_000;

export const webhookDataSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .max(2048, 'must be at most 2048 characters')
    .describe('Endpoint that receives the POST (internal addresses need DROVER_EGRESS_ALLOW)'),
  event: z.string().min(1).max(100).optional().describe('Sent as X-Drover-Event'),
  payload: z.record(z.string(), z.unknown()).describe('JSON object sent as the request body'),
  headers: headersSchema
    .optional()
    .describe('Extra request headers (at most 50; Content-Type, User-Agent, X-Drover-* and hop-by-hop headers such as Host or Content-Length are refused, in any letter case)'),
  timeoutMs: z.number().int().min(100).max(WEBHOOK_TIMEOUT_MAX_MS).default(10_000).describe('Give up on a response after this long (retried)'),
});
export type WebhookData = z.infer<typeof webhookDataSchema>;

export const webhookKind = defineJobKind({
  kind: 'webhook',
  queue: 'webhook',
  jobNames: ['deliver'],
  description: 'POST a JSON payload to a URL with an X-Drover-Signature (HMAC-SHA256 of the body). 4xx fails permanently, except 408 and 429; 5xx and network errors retry with backoff; 429 / Retry-After pauses that receiver (the job waits without using an attempt); an address the egress policy refuses fails permanently.',
  dataSchema: webhookDataSchema,
  // 6 attempts over ~2.5 minutes (5 s, 10 s, 20 s, 40 s, 80 s): rides out a deploy of the receiver.
  defaultJobOptions: { attempts: 6, backoff: { type: 'exponential', delay: 5_000 }, ...retention(5_000, 10_000) },
  // Network bound: many in flight per process.
  concurrency: 10,
  // At most 50 deliveries per second per queue; a receiver's 429 / Retry-After pauses that receiver only.
  limiter: { max: 50, duration: 1_000 },
});

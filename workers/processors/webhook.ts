// Delivers a webhook: POST the JSON payload, signed, and report status and latency. Under the egress
// policy (lib/egress): an address it refuses fails the job permanently; a receiver paused by its own
// 429 / Retry-After gets nothing until the pause ends (workers/runtime/peer-pause.ts).
import { createHmac } from 'node:crypto';
import { egressRequest, type EgressResponse } from '@/lib/egress/egress-request';
import { isEgressRefusal } from '@/lib/egress/policy';
import { EXCERPT_READ_BYTES, receiverExcerpt } from '@/lib/egress/receiver-excerpt';
import { reservedHeaderReason, type WebhookData } from '../kinds/webhook';
import type { InlineProcessor } from '../runtime/processor';
import { httpFailure, PeerRateLimitError, permanentFailure } from '../failures';
import { peerOf, peerPauseRemaining } from '../runtime/peer-pause';

export type WebhookResult = {
  status: number;
  latencyMs: number;
  deliveryId: string;
  /** host[:port] of the URL (the full URL may carry secrets in its query). */
  host: string;
};

export const SIGNATURE_HEADER = 'X-Drover-Signature';
export const DELIVERY_HEADER = 'X-Drover-Delivery';

/** "sha256=<hex>": HMAC-SHA256 of the exact request body with the shared secret. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The request headers: the job's extra headers, minus any name Drover sets or the connection owns (in
 * any letter case; the kind's schema already refuses them, this holds for data that skipped it), then
 * Drover's own. Keys are lower case so no two spellings of one header can both be sent.
 */
export function webhookHeaders(extra: Record<string, string> | undefined, own: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (!reservedHeaderReason(name)) headers[name.toLowerCase()] = value;
  }
  for (const [name, value] of Object.entries(own)) headers[name.toLowerCase()] = value;
  return headers;
}

/** A short, sanitized excerpt of the answer (status and this are all a failedReason repeats). */
async function readExcerpt(res: EgressResponse): Promise<string> {
  try {
    const { bytes } = await res.readBody(EXCERPT_READ_BYTES);
    return receiverExcerpt(bytes);
  } catch {
    return '';
  }
}

export function createWebhookProcessor(opts: { secret: string; userAgent?: string }): InlineProcessor<WebhookData, WebhookResult> {
  return async ({ job, data, signal, connection }) => {
    const url = new URL(data.url);
    const host = url.host;
    const peer = peerOf(url);
    const pausedMs = await peerPauseRemaining(connection, job.queueName, peer);
    if (pausedMs > 0) {
      throw new PeerRateLimitError(`${host} asked to slow down (429 / Retry-After): not sent, paused for ${Math.ceil(pausedMs / 1000)} s more`, pausedMs, { peer, alreadyPaused: true });
    }
    const body = JSON.stringify(data.payload);
    // Stable across retries of the same job so receivers can de-duplicate; unique across jobs.
    const deliveryId = `${job.id}-${job.timestamp.toString(36)}`;
    const headers = webhookHeaders(data.headers, {
      'Content-Type': 'application/json',
      'User-Agent': opts.userAgent ?? 'Drover-Webhook/1',
      [SIGNATURE_HEADER]: signWebhookBody(opts.secret, body),
      [DELIVERY_HEADER]: deliveryId,
      'X-Drover-Attempt': String(job.attemptsStarted),
      ...(data.event ? { 'X-Drover-Event': data.event } : {}),
    });
    await job.log(`POST ${url.origin}${url.pathname} (delivery ${deliveryId}, timeout ${data.timeoutMs} ms)`);
    const timeout = AbortSignal.timeout(data.timeoutMs);
    const started = performance.now();
    let res: EgressResponse;
    try {
      res = await egressRequest(url, { method: 'POST', body, headers, signal: AbortSignal.any([signal, timeout]) });
    } catch (err) {
      if (signal.aborted) throw err;
      // The same address is refused next time: no retry.
      if (isEgressRefusal(err)) throw permanentFailure(err.message);
      if (timeout.aborted) throw new Error(`${host} did not answer within ${data.timeoutMs} ms: will retry`);
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(`POST to ${host} failed: ${code ?? receiverExcerpt((err as Error).message)}`);
    }
    const latencyMs = Math.round(performance.now() - started);
    if (res.status < 200 || res.status >= 300) {
      const detail = await readExcerpt(res);
      throw httpFailure(res.status, host, res.header('retry-after'), detail, peer);
    }
    res.discard();
    await job.log(`${host} answered HTTP ${res.status} in ${latencyMs} ms`);
    return { status: res.status, latencyMs, deliveryId, host };
  };
}

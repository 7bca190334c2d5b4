// Delivers a webhook: POST the JSON payload, signed, and report status and latency.
import { createHmac } from 'node:crypto';
import type { WebhookData } from '../kinds/webhook';
import type { InlineProcessor } from '../runtime/processor';
import { httpFailure } from '../failures';

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

async function readSnippet(res: Response, max = 300): Promise<string> {
  try {
    // At most 16 KB of the body: a hostile receiver must not fill the worker's memory.
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (reader && size < 16 * 1024) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    await reader?.cancel().catch(() => {});
    const text = Buffer.concat(chunks).toString('utf8');
    const oneLine = text.replace(/\s+/g, ' ').trim();
    return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
  } catch {
    return '';
  }
}

export function createWebhookProcessor(opts: { secret: string; userAgent?: string }): InlineProcessor<WebhookData, WebhookResult> {
  return async ({ job, data, signal }) => {
    const url = new URL(data.url);
    const host = url.host;
    const body = JSON.stringify(data.payload);
    // Stable across retries of the same job so receivers can de-duplicate; unique across jobs.
    const deliveryId = `${job.id}-${job.timestamp.toString(36)}`;
    const headers: Record<string, string> = {
      ...data.headers,
      'Content-Type': 'application/json',
      'User-Agent': opts.userAgent ?? 'Drover-Webhook/1',
      [SIGNATURE_HEADER]: signWebhookBody(opts.secret, body),
      [DELIVERY_HEADER]: deliveryId,
      'X-Drover-Attempt': String(job.attemptsStarted),
      ...(data.event ? { 'X-Drover-Event': data.event } : {}),
    };
    await job.log(`POST ${url.origin}${url.pathname} (delivery ${deliveryId}, timeout ${data.timeoutMs} ms)`);
    const timeout = AbortSignal.timeout(data.timeoutMs);
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.any([signal, timeout]) });
    } catch (err) {
      if (signal.aborted) throw err;
      if (timeout.aborted) throw new Error(`${host} did not answer within ${data.timeoutMs} ms: will retry`);
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`POST to ${host} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const latencyMs = Math.round(performance.now() - started);
    if (res.status < 200 || res.status >= 300) {
      const detail = await readSnippet(res);
      throw httpFailure(res.status, host, res.headers.get('retry-after'), detail);
    }
    await res.body?.cancel().catch(() => {});
    await job.log(`${host} answered HTTP ${res.status} in ${latencyMs} ms`);
    return { status: res.status, latencyMs, deliveryId, host };
  };
}

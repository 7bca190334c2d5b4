// Worker side of cancellation: one subscriber connection per process, subscribed to the channel of
// every queue the process runs; each request is answered with an ack so the console knows who acted.
// The channels of one prefix share its hash tag ("{bull}"), so on a cluster they live on one shard.
import type { Redis } from 'ioredis';
import { KEYS } from '@/lib/keys';
import { CANCEL_ACK_TTL_SECONDS, cancelRequestSchema, type CancelAck, type CancelRequest } from './cancel-request';

export type CancelListener = {
  /** Unsubscribes; the caller owns and closes the connections. */
  stop: () => Promise<void>;
};

export async function listenForCancelRequests(opts: {
  /**
   * A connection used for nothing else (it enters subscriber mode). On a Redis Cluster: a connection
   * to the master that owns the channels' slot, used with sharded pub/sub (`sharded: true`).
   */
  subscriber: Redis;
  sharded?: boolean;
  /** Any regular connection, for the acks. */
  publisher: Redis;
  prefix: string;
  queues: string[];
  worker: string;
  /** Aborts the job when this process runs it; returns whether it did. */
  onRequest: (queue: string, request: CancelRequest) => boolean;
  onError?: (err: Error, context: Record<string, unknown>) => void;
}): Promise<CancelListener> {
  const byChannel = new Map(opts.queues.map((q) => [KEYS.cancelChannel(opts.prefix, q), q]));
  const handle = (channel: string, raw: string) => {
    const queue = byChannel.get(channel);
    if (!queue) return;
    let request: CancelRequest;
    try {
      request = cancelRequestSchema.parse(JSON.parse(raw));
    } catch (err) {
      opts.onError?.(err as Error, { channel, event: 'cancel.invalid_request' });
      return;
    }
    let cancelled = false;
    try {
      cancelled = opts.onRequest(queue, request);
    } catch (err) {
      opts.onError?.(err as Error, { queue, jobId: request.jobId, event: 'cancel.failed' });
    }
    const ack: CancelAck = { worker: opts.worker, cancelled };
    const key = KEYS.cancelAck(request.requestId);
    opts.publisher
      .multi()
      .rpush(key, JSON.stringify(ack))
      .expire(key, CANCEL_ACK_TTL_SECONDS)
      .exec()
      .catch((err: Error) => opts.onError?.(err, { queue, jobId: request.jobId, event: 'cancel.ack_failed' }));
  };
  const event = opts.sharded ? 'smessage' : 'message';
  opts.subscriber.on(event, handle);
  const channels = [...byChannel.keys()];
  if (channels.length > 0) await (opts.sharded ? opts.subscriber.ssubscribe(...channels) : opts.subscriber.subscribe(...channels));
  return {
    stop: async () => {
      opts.subscriber.off(event, handle);
      if (channels.length > 0) await (opts.sharded ? opts.subscriber.sunsubscribe(...channels) : opts.subscriber.unsubscribe(...channels)).catch(() => {});
    },
  };
}

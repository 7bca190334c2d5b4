// Worker side of cancellation: one listener per process (lib/store/connection-records.ts: a Redis
// subscriber on the channel of every queue the process runs, or a PostgreSQL LISTEN); each request is
// answered with an ack so the console knows who acted.
import type { ConnectionRecords } from '@/lib/store/connection-records';
import { cancelRequestSchema, type CancelAck, type CancelRequest } from './cancel-request';

export type CancelListener = {
  /** Stops listening; the records' owner closes the connections. */
  stop: () => Promise<void>;
};

export async function listenForCancelRequests(opts: {
  /** The connection's records, opened with a listener (the runtime's). */
  records: ConnectionRecords;
  queues: string[];
  worker: string;
  /** Aborts the job when this process runs it; returns whether it did. */
  onRequest: (queue: string, request: CancelRequest) => boolean;
  onError?: (err: Error, context: Record<string, unknown>) => void;
}): Promise<CancelListener> {
  const { records } = opts;
  return records.listenForCancel(opts.queues, (queue, raw) => {
    let request: CancelRequest;
    try {
      request = cancelRequestSchema.parse(JSON.parse(raw));
    } catch (err) {
      opts.onError?.(err as Error, { queue, event: 'cancel.invalid_request' });
      return;
    }
    let cancelled = false;
    try {
      cancelled = opts.onRequest(queue, request);
    } catch (err) {
      opts.onError?.(err as Error, { queue, jobId: request.jobId, event: 'cancel.failed' });
    }
    const ack: CancelAck = { worker: opts.worker, cancelled };
    records.ackCancel(request.requestId, ack).catch((err: Error) => opts.onError?.(err, { queue, jobId: request.jobId, event: 'cancel.ack_failed' }));
  });
}

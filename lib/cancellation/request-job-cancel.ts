// Console side of cancellation: asks the Drover workers of a queue to abort one active job and reports
// precisely what happened. BullMQ can only cancel a job inside the process running it.
import 'server-only';
import { randomUUID } from 'node:crypto';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import { cancelAckSchema, cancellationReason, type CancelMode, type CancelRequest } from './cancel-request';
import { awaitAcks } from './await-acks';

export type RequestJobCancelInput = {
  /** The job's connection's records (Connection.records): its cancel channel and acks. */
  records: ConnectionRecords;
  queue: string;
  jobId: string;
  /** Who asks (the audit actor name); the job fails with "cancelled by <requestedBy>". */
  requestedBy: string;
  /** Optional note appended to the failure reason. */
  reason?: string;
  mode?: CancelMode;
  /** How long to wait for the workers' answers. */
  timeoutMs?: number;
};

export type RequestJobCancelResult = {
  delivered: boolean;
  /** The worker that aborted the job. */
  cancelledBy?: string;
  /** Worker processes subscribed to the queue's channel when the request was published. */
  listeners: number;
  message: string;
  /** The failedReason the job ends with when delivered. */
  failedReason: string;
};

export async function requestJobCancel(input: RequestJobCancelInput): Promise<RequestJobCancelResult> {
  const { records, queue, jobId, requestedBy } = input;
  const mode = input.mode ?? 'cancel';
  const timeoutMs = input.timeoutMs ?? 3000;
  const request: CancelRequest = {
    requestId: randomUUID(),
    jobId,
    reason: cancellationReason(mode, requestedBy, input.reason),
    requestedBy,
    mode,
  };
  const base = { failedReason: request.reason };
  const listeners = await records.publishCancel(queue, request);
  if (listeners === 0) {
    return {
      ...base,
      delivered: false,
      listeners,
      message: `No Drover worker listens on queue "${queue}": the job runs on a worker that does not listen for cancellation`,
    };
  }

  const acks = await awaitAcks({
    read: (max) => records.cancelAcks(request.requestId, max),
    schema: cancelAckSchema,
    expected: listeners,
    max: 100,
    timeoutMs,
    done: (answers) => answers.some((a) => a.cancelled),
  });

  const winner = acks.find((a) => a.cancelled);
  if (winner) {
    const verb = mode === 'fail' ? 'failed' : 'aborted';
    const outcome = mode === 'fail' ? ' (it fails permanently, no retry)' : '';
    return {
      ...base,
      delivered: true,
      cancelledBy: winner.worker,
      listeners,
      message: `${mode === 'fail' ? 'Failure' : 'Cancellation'} delivered: worker ${winner.worker} ${verb} job ${jobId}${outcome}`,
    };
  }
  const answered = `${acks.length} of ${listeners} listening worker${listeners === 1 ? '' : 's'} answered`;
  if (acks.length < listeners) {
    return {
      ...base,
      delivered: false,
      listeners,
      message: `No Drover worker confirmed job ${jobId} within ${Math.round(timeoutMs / 100) / 10} s (${answered}): it may run on a worker that is busy, stopping, or does not listen for cancellation`,
    };
  }
  return {
    ...base,
    delivered: false,
    listeners,
    message: `No Drover worker is running job ${jobId} (${listeners} listening worker${listeners === 1 ? '' : 's'} answered): it may run on a worker that does not listen for cancellation`,
  };
}

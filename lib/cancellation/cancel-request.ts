// The messages of the cancellation channel between the console and Drover worker processes.
import { z } from 'zod';

/** cancel: abort the run, the job fails as "cancelled by <user>". fail: same, worded "failed permanently by <user>". */
export const cancelModeSchema = z.enum(['cancel', 'fail']);
export type CancelMode = z.infer<typeof cancelModeSchema>;

/** Published as JSON on drover:cancel:<prefix>:<queue>. */
export const cancelRequestSchema = z.object({
  requestId: z.string().min(1),
  jobId: z.string().min(1),
  /** The job's failedReason once aborted, e.g. "cancelled by alice@example.com". */
  reason: z.string().min(1),
  requestedBy: z.string().min(1),
  mode: cancelModeSchema.default('cancel'),
});
export type CancelRequest = z.infer<typeof cancelRequestSchema>;

/** Pushed by every worker process that received a request onto drover:cancel-ack:<requestId>. */
export const cancelAckSchema = z.object({
  worker: z.string(),
  cancelled: z.boolean(),
});
export type CancelAck = z.infer<typeof cancelAckSchema>;

/** Seconds an ack list lives, so unanswered requests leave nothing behind. */
export const CANCEL_ACK_TTL_SECONDS = 60;

/** "cancelled by alice" / "failed permanently by alice: reason" — the failedReason the job ends with. */
export function cancellationReason(mode: CancelMode, requestedBy: string, note?: string): string {
  const base = mode === 'fail' ? `failed permanently by ${requestedBy}` : `cancelled by ${requestedBy}`;
  const trimmed = note?.trim();
  return trimmed ? `${base}: ${trimmed}` : base;
}
